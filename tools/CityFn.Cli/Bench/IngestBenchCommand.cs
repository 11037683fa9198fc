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
        var command = new Command("ingest", "Readings per CPU second (one thread) through capture decode + signature recovery + validation + minute aggregation (target >= 100k).")
        {
            messagesOption, samplesOption, jsonOption,
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
}

[System.Text.Json.Serialization.JsonSerializable(typeof(Dictionary<string, double>))]
internal sealed partial class BenchJsonContext : System.Text.Json.Serialization.JsonSerializerContext;
