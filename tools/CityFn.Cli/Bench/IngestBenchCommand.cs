using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using Spectre.Console;

namespace CityFn.Cli.Bench;

/// <summary><c>cityfn bench ingest</c>: readings per CPU second through the ingest pipeline.</summary>
public static class IngestBenchCommand
{
    public const double IngestTargetReadingsPerSecond = 100_000;

    public static Command Build(IAnsiConsole console)
    {
        var messagesOption = new Option<int>("--messages") { Description = "Messages in the capture file.", DefaultValueFactory = _ => 60_000 };
        var samplesOption = new Option<int>("--samples") { Description = "Samples (readings) per message.", DefaultValueFactory = _ => 60 };
        var jsonOption = new Option<bool>("--json") { Description = "Print one JSON object instead of a table." };
        var fileMbOption = new Option<int?>("--file-mb")
        {
            Description = "Instead: write a capture file of about this many MB to disk and run the whole ingest stage on it against a fresh Azurite, reporting peak working set and managed heap.",
        };
        var command = new Command("ingest", "Readings per CPU second (one thread) through capture decode + signature recovery + validation + minute aggregation (target >= 100k).")
        {
            messagesOption, samplesOption, jsonOption, fileMbOption,
        };
        CliAction.Set(command, console, async (parseResult, cancellationToken) =>
        {
            var messages = parseResult.GetValue(messagesOption);
            var samples = parseResult.GetValue(samplesOption);
            if (messages < 1 || samples is < 1 or > 3600)
            {
                console.MarkupLine("[red]error:[/] --messages must be at least 1 and --samples 1 to 3600.");
                return CliAction.UserError;
            }

            if (parseResult.GetValue(fileMbOption) is { } fileMb)
            {
                if (fileMb is < 1 or > 4096)
                {
                    console.MarkupLine("[red]error:[/] --file-mb must be 1 to 4096.");
                    return CliAction.UserError;
                }

                WriteFileResult(console, await IngestFileBenchmark.RunAsync(fileMb, samples, cancellationToken), parseResult.GetValue(jsonOption));
                return CliAction.Ok;
            }

            var result = await IngestBenchmark.RunAsync(messages, samples, cancellationToken);
            var met = result.ReadingsPerSecond >= IngestTargetReadingsPerSecond;
            if (parseResult.GetValue(jsonOption))
            {
                console.Profile.Out.Writer.WriteLine(JsonSerializer.Serialize(new Dictionary<string, double>
                {
                    ["messages"] = result.Messages,
                    ["readings"] = result.Readings,
                    ["fileBytes"] = result.FileBytes,
                    ["readingsPerSecondPerCore"] = Math.Round(result.ReadingsPerSecond),
                    ["messagesPerSecondPerCore"] = Math.Round(result.MessagesPerSecond),
                    ["pipelineCpuSeconds"] = Math.Round(result.PipelineSeconds, 2),
                    ["pipelineWallSeconds"] = Math.Round(result.PipelineWallSeconds, 2),
                    ["signatureRecoveriesPerSecond"] = Math.Round(result.RecoverPerSecond),
                    ["avroDecodeMegabytesPerSecond"] = Math.Round(result.DecodeMegabytesPerSecond, 1),
                    ["targetReadingsPerSecondPerCore"] = IngestTargetReadingsPerSecond,
                }, BenchJsonContext.Default.DictionaryStringDouble));
            }
            else
            {
                var table = new Table().AddColumns("measure", "value");
                table.AddRow("capture file", string.Create(CultureInfo.InvariantCulture, $"{result.Messages:N0} messages, {result.Readings:N0} readings, {result.FileBytes / 1e6:F1} MB"));
                table.AddRow("Avro decode only", string.Create(CultureInfo.InvariantCulture, $"{result.DecodeMegabytesPerSecond:F0} MB/s"));
                table.AddRow("signature recovery only", string.Create(CultureInfo.InvariantCulture, $"{result.RecoverPerSecond:N0} /s"));
                table.AddRow("full pipeline (1 thread)", string.Create(CultureInfo.InvariantCulture,
                    $"{result.MessagesPerSecond:N0} messages per CPU second ({result.PipelineSeconds:F1} s CPU, {result.PipelineWallSeconds:F1} s wall)"));
                table.AddRow(new Text("readings/s/core"), new Markup(string.Create(CultureInfo.InvariantCulture,
                    $"{(met ? "[green]" : "[red]")}{result.ReadingsPerSecond:N0}[/] (target {IngestTargetReadingsPerSecond:N0})")));
                console.Write(table);
            }

            return met ? CliAction.Ok : CliAction.NotOk;
        });
        return command;
    }

    private static void WriteFileResult(IAnsiConsole console, IngestFileBenchmarkResult result, bool json)
    {
        const double MB = 1024 * 1024;
        if (json)
        {
            console.Profile.Out.Writer.WriteLine(JsonSerializer.Serialize(new Dictionary<string, double>
            {
                ["fileBytes"] = result.FileBytes,
                ["messages"] = result.Messages,
                ["readings"] = result.AcceptedReadings,
                ["batchMessages"] = result.BatchMessages,
                ["wallSeconds"] = Math.Round(result.WallSeconds, 1),
                ["cpuSeconds"] = Math.Round(result.CpuSeconds, 1),
                ["readingsPerWallSecond"] = Math.Round(result.ReadingsPerWallSecond),
                ["peakWorkingSetMiB"] = Math.Round(result.PeakWorkingSetBytes / MB, 1),
                ["baselineWorkingSetMiB"] = Math.Round(result.BaselineWorkingSetBytes / MB, 1),
                ["peakManagedHeapMiB"] = Math.Round(result.PeakManagedHeapBytes / MB, 1),
                ["peakHeapAfterGcMiB"] = Math.Round(result.PeakHeapAfterGcBytes / MB, 1),
                ["peakLiveHeapMiB"] = Math.Round(result.PeakLiveHeapBytes / MB, 1),
                ["baselineLiveHeapMiB"] = Math.Round(result.BaselineLiveHeapBytes / MB, 1),
                ["liveHeapAfterRunMiB"] = Math.Round(result.LiveHeapAfterRunBytes / MB, 1),
                ["threadPoolThreads"] = result.ThreadPoolThreads,
                ["allocatedMiB"] = Math.Round(result.AllocatedBytes / MB),
                ["gen2Collections"] = result.Gen2Collections,
            }, BenchJsonContext.Default.DictionaryStringDouble));
            return;
        }

        var table = new Table().AddColumns("measure", "value");
        table.AddRow("capture file", string.Create(CultureInfo.InvariantCulture, $"{result.FileBytes / 1e6:F0} MB, {result.Messages:N0} messages, {result.AcceptedReadings:N0} readings accepted"));
        table.AddRow("ingest stage (Azurite)", string.Create(CultureInfo.InvariantCulture, $"{result.WallSeconds:F1} s wall, {result.CpuSeconds:F1} s CPU, {result.ReadingsPerWallSecond:N0} readings/s wall, batches of {result.BatchMessages:N0}"));
        table.AddRow("peak working set", string.Create(CultureInfo.InvariantCulture, $"{result.PeakWorkingSetBytes / MB:F0} MiB (before the run: {result.BaselineWorkingSetBytes / MB:F0} MiB)"));
        table.AddRow("peak managed heap", string.Create(CultureInfo.InvariantCulture, $"{result.PeakManagedHeapBytes / MB:F0} MiB (with uncollected garbage)"));
        table.AddRow("peak heap after a GC", string.Create(CultureInfo.InvariantCulture, $"{result.PeakHeapAfterGcBytes / MB:F0} MiB (counts LOH/gen2 garbage until a full GC)"));
        table.AddRow("peak live heap", string.Create(CultureInfo.InvariantCulture, $"{result.PeakLiveHeapBytes / MB:F0} MiB (forced full GC every 0.5 s; before the run: {result.BaselineLiveHeapBytes / MB:F0} MiB, after: {result.LiveHeapAfterRunBytes / MB:F0} MiB)"));
        table.AddRow("allocated during the run", string.Create(CultureInfo.InvariantCulture, $"{result.AllocatedBytes / MB:N0} MiB, {result.Gen2Collections} gen2 GCs"));
        console.Write(table);
    }
}

[System.Text.Json.Serialization.JsonSerializable(typeof(Dictionary<string, double>))]
internal sealed partial class BenchJsonContext : System.Text.Json.Serialization.JsonSerializerContext;
