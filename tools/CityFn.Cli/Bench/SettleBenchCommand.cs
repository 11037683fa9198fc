using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using Spectre.Console;

namespace CityFn.Cli.Bench;

/// <summary><c>cityfn bench settle</c>: one epoch of N contributors settled end to end on the local chain (target ≤ 60 s for 100k).</summary>
public static class SettleBenchCommand
{
    public const double TargetSeconds = 60;

    public static Command Build(IAnsiConsole console)
    {
        var contributorsOption = new Option<int>("--contributors") { Description = "Contributors in the epoch (devices with their own owner, plus up to 100 edge hosts).", DefaultValueFactory = _ => 100_000 };
        var jsonOption = new Option<bool>("--json") { Description = "Print one JSON object instead of a table." };
        var command = new Command("settle", "Settle one epoch of N contributors on a fresh Azurite + Hardhat node: ledger → allocation → tree → Blob → publish → confirmed (target <= 60 s for 100k).")
        {
            contributorsOption, jsonOption,
        };
        CliAction.Set(command, console, async (parseResult, cancellationToken) =>
        {
            var contributors = parseResult.GetValue(contributorsOption);
            if (contributors is < 2 or > 2_000_000)
            {
                console.MarkupLine("[red]error:[/] --contributors must be 2 to 2,000,000.");
                return CliAction.UserError;
            }

            var result = await SettleBenchmark.RunAsync(contributors, cancellationToken);
            var met = result.Total.TotalSeconds <= TargetSeconds * Math.Max(1, contributors / 100_000.0);
            if (parseResult.GetValue(jsonOption))
            {
                var values = new Dictionary<string, double>
                {
                    ["contributors"] = result.Contributors,
                    ["treeValues"] = result.TreeValues,
                    ["setupSeconds"] = Math.Round(result.Setup.TotalSeconds, 2),
                    ["registrySetupSeconds"] = Math.Round(result.RegistrySetup.TotalSeconds, 2),
                    ["totalSeconds"] = Math.Round(result.Total.TotalSeconds, 2),
                    ["publishGas"] = result.GasUsed,
                    ["lookupFromIndexSeconds"] = Math.Round(result.LookupFromIndex.TotalSeconds, 3),
                    ["lookupFromReportsSeconds"] = Math.Round(result.LookupFromReports.TotalSeconds, 3),
                };
                foreach (var step in result.Steps)
                {
                    values[step.Step + "Seconds"] = Math.Round(step.Elapsed.TotalSeconds, 2);
                }

                console.Profile.Out.Writer.WriteLine(JsonSerializer.Serialize(values, BenchJsonContext.Default.DictionaryStringDouble));
            }
            else
            {
                var table = new Table().AddColumns("step", "seconds");
                table.AddRow("setup (not counted): deploy + registry + ledger", Seconds(result.Setup));
                table.AddRow("  of which registry rows", Seconds(result.RegistrySetup));
                foreach (var step in result.Steps)
                {
                    table.AddRow(step.Step, Seconds(step.Elapsed));
                }

                table.AddRow(new Text("settlement, end to end"), new Markup(string.Create(CultureInfo.InvariantCulture,
                    $"{(met ? "[green]" : "[red]")}{result.Total.TotalSeconds:F2}[/] (target {TargetSeconds:F0} s per 100k)")));
                table.AddRow("contributors / tree values", string.Create(CultureInfo.InvariantCulture, $"{result.Contributors:N0} ({result.Devices:N0} devices, {result.Hosts} hosts) / {result.TreeValues:N0}"));
                table.AddRow("publishRoot gas", result.GasUsed.ToString("N0", CultureInfo.InvariantCulture));
                table.AddRow(
                    string.Create(CultureInfo.InvariantCulture, $"contributor lookup, {SettleBenchmark.LookupEpochs} epochs: payout index / reports"),
                    string.Create(CultureInfo.InvariantCulture, $"{result.LookupFromIndex.TotalSeconds:F3} / {result.LookupFromReports.TotalSeconds:F3}"));
                console.Write(table);
            }

            return met ? CliAction.Ok : CliAction.NotOk;
        });
        return command;
    }

    private static string Seconds(TimeSpan elapsed) => elapsed.TotalSeconds.ToString("F2", CultureInfo.InvariantCulture);
}
