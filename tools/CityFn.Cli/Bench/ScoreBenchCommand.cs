using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using Spectre.Console;

namespace CityFn.Cli.Bench;

/// <summary><c>cityfn bench score</c>: jobs/s and rows/s through the scoring fan-out with two local edge hosts, at 0%, 5% and 100% verification.</summary>
public static class ScoreBenchCommand
{
    public static Command Build(IAnsiConsole console)
    {
        var jobsOption = new Option<int>("--jobs") { Description = "Jobs per run; each verification setting runs twice.", DefaultValueFactory = _ => 30 };
        var devicesOption = new Option<int>("--devices") { Description = "Traffic detectors per job (two per road segment).", DefaultValueFactory = _ => 40 };
        var samplesOption = new Option<int>("--samples") { Description = "Readings per detector per job.", DefaultValueFactory = _ => 12 };
        var parallelismOption = new Option<int>("--parallelism") { Description = "Jobs scored at a time.", DefaultValueFactory = _ => 8 };
        var jsonOption = new Option<bool>("--json") { Description = "Print one JSON object instead of a table." };
        var command = new Command("score", "Scoring fan-out end to end (Azurite + two local edge hosts): jobs/s, rows/s, and the cost of 5% and 100% verification.")
        {
            jobsOption, devicesOption, samplesOption, parallelismOption, jsonOption,
        };
        CliAction.Set(command, console, async (parseResult, cancellationToken) =>
        {
            var jobs = parseResult.GetValue(jobsOption);
            var devices = parseResult.GetValue(devicesOption);
            var samples = parseResult.GetValue(samplesOption);
            var parallelism = parseResult.GetValue(parallelismOption);
            if (jobs < 1 || devices is < 1 or > 10_000 || samples is < 1 or > 3600 || parallelism is < 1 or > 256)
            {
                console.MarkupLine("[red]error:[/] --jobs must be at least 1, --devices 1 to 10000, --samples 1 to 3600, --parallelism 1 to 256.");
                return CliAction.UserError;
            }

            var json = parseResult.GetValue(jsonOption);
            var progress = new Progress<string>(message =>
            {
                if (!json)
                {
                    console.MarkupLineInterpolated($"[grey]{message}[/]");
                }
            });
            var runs = await new ScoreBench(jobs, devices, samples, parallelism).RunAsync([0, 0.05, 1], progress, cancellationToken);
            var baseline = runs[0].CpuMillisecondsPerJob;
            if (json)
            {
                var result = runs.ToDictionary(
                    r => string.Create(CultureInfo.InvariantCulture, $"verification{r.VerificationFraction * 100:0}"),
                    r => new Dictionary<string, double>
                    {
                        ["jobs"] = r.Jobs, ["readings"] = r.Readings, ["rows"] = r.Rows, ["verifiedCalls"] = r.VerifiedCalls, ["hedged"] = r.Hedged,
                        ["wallSeconds"] = Math.Round(r.WallSeconds, 2), ["jobsPerSecond"] = Math.Round(r.JobsPerSecond, 1),
                        ["readingsPerSecond"] = Math.Round(r.ReadingsPerSecond), ["rowsPerSecond"] = Math.Round(r.RowsPerSecond),
                        ["cpuMillisecondsPerJob"] = Math.Round(r.CpuMillisecondsPerJob, 1),
                        ["cpuCostVersusNoVerification"] = Math.Round((r.CpuMillisecondsPerJob / baseline) - 1, 3),
                    });
                console.Profile.Out.Writer.WriteLine(JsonSerializer.Serialize(result, ScoreBenchJsonContext.Default.DictionaryStringDictionaryStringDouble));
            }
            else
            {
                var table = new Table().AddColumns("verification", "jobs", "checked calls", "wall s", "jobs/s", "readings/s", "rows/s", "CPU ms/job", "CPU vs 0%");
                foreach (var r in runs)
                {
                    table.AddRow(
                        string.Create(CultureInfo.InvariantCulture, $"{r.VerificationFraction:P0}"), r.Jobs.ToString(CultureInfo.InvariantCulture),
                        r.VerifiedCalls.ToString(CultureInfo.InvariantCulture), r.WallSeconds.ToString("F2", CultureInfo.InvariantCulture),
                        r.JobsPerSecond.ToString("F1", CultureInfo.InvariantCulture), r.ReadingsPerSecond.ToString("N0", CultureInfo.InvariantCulture),
                        r.RowsPerSecond.ToString("N0", CultureInfo.InvariantCulture), r.CpuMillisecondsPerJob.ToString("F0", CultureInfo.InvariantCulture),
                        ((r.CpuMillisecondsPerJob / baseline) - 1).ToString("+0%;-0%", CultureInfo.InvariantCulture));
                }

                console.Write(table);
            }

            return CliAction.Ok;
        });
        return command;
    }
}

[System.Text.Json.Serialization.JsonSerializable(typeof(Dictionary<string, Dictionary<string, double>>))]
internal sealed partial class ScoreBenchJsonContext : System.Text.Json.Serialization.JsonSerializerContext;
