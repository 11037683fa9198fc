using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using CityFn.Cli.Dashboard;
using CityFn.Cli.Simulate;
using CityFn.Contracts;
using Spectre.Console;

namespace CityFn.Cli.Demo;

/// <summary>
/// <c>cityfn demo</c>: the whole mission locally in a few minutes (docs/demo.md). Exit 0 when every stage
/// worked, 1 when a stage failed (the report or the error says which), 2 for bad options or a missing dependency.
/// </summary>
public static class DemoCommand
{
    public static Command Build(IAnsiConsole console)
    {
        var devices = new Option<int>("--devices") { Description = "Simulated devices (half traffic detectors; one owner per 5 devices).", DefaultValueFactory = _ => 100 };
        var minutes = new Option<int>("--minutes") { Description = "Simulated minutes; a whole number of epochs.", DefaultValueFactory = _ => 120 };
        var seed = new Option<int?>("--seed") { Description = "Seed of the city, its devices' and owners' keys and faults. Default: a new random one (printed)." };
        var epochMinutes = new Option<int>("--epoch-minutes") { Description = "Rewards epoch length in minutes; each epoch is settled on-chain.", DefaultValueFactory = _ => 60 };
        var verification = new Option<double>("--verification") { Description = "Fraction of scoring jobs spot-checked (the deployed default is 0.05).", DefaultValueFactory = _ => 0.25 };
        var parallelism = new Option<int>("--parallelism") { Description = "Scoring jobs at a time.", DefaultValueFactory = _ => 4 };
        var json = new Option<bool>("--json") { Description = "Print the report as one JSON object and no progress." };
        var serve = new Option<bool>("--serve") { Description = "After the report, keep everything running and serve the dashboard on 127.0.0.1 until Ctrl+C." };
        var keep = new Option<bool>("--keep") { Description = "Keep the data folder (capture files, registry.json, truth.jsonl, models, operator keys) and print its path." };
        var command = new Command("demo", "Run CityFn end to end locally: Azurite, a Hardhat node, three edge hosts (one lying), a simulated city, ingest → scoring → settlement per epoch, an on-chain claim, and a report.")
        {
            devices, minutes, seed, epochMinutes, verification, parallelism, json, keep, serve,
        };

        CliAction.Set(command, console, async (parseResult, cancellationToken) =>
        {
            var settings = new DemoSettings(
                parseResult.GetValue(devices), parseResult.GetValue(minutes), parseResult.GetValue(seed) ?? Random.Shared.Next(1, 1_000_000),
                SimulateCommand.DefaultStart, parseResult.GetValue(epochMinutes), parseResult.GetValue(verification), parseResult.GetValue(parallelism), parseResult.GetValue(keep));
            if (Problem(settings) is { } problem)
            {
                console.MarkupLineInterpolated($"[red]error:[/] {problem}");
                return CliAction.UserError;
            }

            var asJson = parseResult.GetValue(json);
            var progress = new DemoProgress(console, !asJson);
            if (!asJson)
            {
                console.MarkupLineInterpolated(CultureInfo.InvariantCulture,
                    $"[bold]CityFn demo[/]: {settings.Devices} devices, {settings.Minutes} simulated minutes from {settings.Start:yyyy-MM-dd HH:mm} UTC, {settings.Minutes / settings.EpochMinutes} epochs of {settings.EpochMinutes} min, seed {settings.Seed}");
            }

            DemoReport Complete(DemoReport report) => report with
            {
                Run = report.Run with { Seconds = Math.Round(progress.Elapsed.TotalSeconds, 1) },
                Phases = progress.Phases,
                Failure = FailureOf(report),
            };

            void Print(DemoReport report)
            {
                if (asJson)
                {
                    console.Profile.Out.Writer.WriteLine(JsonSerializer.Serialize(report, DemoJsonContext.Default.DemoReport));
                }
                else
                {
                    DemoReportText.Write(console, report);
                }
            }

            var served = false;
            async Task ServeAsync(DemoReport report, DashboardSettings dashboard, CancellationToken token)
            {
                Print(Complete(report));
                served = true;
                await using var server = await DashboardServer.StartAsync(dashboard, cancellationToken: token);
                console.MarkupLineInterpolated($"dashboard: [bold]{server.PageUrl}[/]  (Azurite, the chain and the edge hosts keep running; Ctrl+C stops everything)");
                try
                {
                    await Task.Delay(Timeout.Infinite, token);
                }
                catch (OperationCanceledException) when (token.IsCancellationRequested)
                {
                    // Ctrl+C: stop the server, then everything else, and exit normally.
                }
            }

            DemoReport report;
            try
            {
                report = await new DemoRun(settings, progress, parseResult.GetValue(serve) ? ServeAsync : null).RunAsync(cancellationToken);
            }
            catch (Exception exception) when (exception is InvalidOperationException or TimeoutException or ContractRevertedException
                or Azure.RequestFailedException or HttpRequestException or IOException or InvalidDataException)
            {
                progress.Fail(exception.Message);
                console.MarkupLineInterpolated($"[red]error:[/] the demo failed: {exception.Message}");
                return CliAction.NotOk;
            }

            report = Complete(report);
            if (served)
            {
                console.MarkupLine("stopped: " + Markup.Escape(string.Join(", ", report.Stopped)));
            }
            else
            {
                Print(report);
            }

            return report.Failure is null ? CliAction.Ok : CliAction.NotOk;
        });
        return command;
    }

    /// <summary>What went wrong in a run that finished: lost or poisoned work, or a root that is not the one on-chain.</summary>
    private static string? FailureOf(DemoReport report)
    {
        if (report.Readings.Errors.Count > 0)
        {
            return $"ingest reported errors: {string.Join("; ", report.Readings.Errors)}";
        }

        if (report.Scoring.Poisoned > 0 || report.Scoring.Deferred > 0)
        {
            return $"{report.Scoring.Poisoned} scoring jobs poisoned and {report.Scoring.Deferred} deferred: not every job was scored";
        }

        return report.Epochs.FirstOrDefault(e => e.OnChainRoot != e.Root) is { } epoch
            ? $"epoch {epoch.Epoch}: the on-chain root {epoch.OnChainRoot} is not the settled root {epoch.Root}"
            : null;
    }

    private static string? Problem(DemoSettings settings)
    {
        if (settings.Devices is < 10 or > 2_000)
        {
            return "--devices must be 10 to 2000.";
        }

        if (settings.EpochMinutes is < 1 or > 1_440 || settings.Minutes < settings.EpochMinutes || settings.Minutes % settings.EpochMinutes != 0 || settings.Minutes > 1_440)
        {
            return $"--minutes ({settings.Minutes}) must be a whole number of epochs (--epoch-minutes {settings.EpochMinutes}), at most one day.";
        }

        if ((settings.Start - DateTimeOffset.UnixEpoch).Ticks % settings.EpochLength.Ticks != 0)
        {
            return $"--epoch-minutes {settings.EpochMinutes} does not put an epoch boundary at the simulated start ({settings.Start:HH:mm} UTC); use a divisor of 60.";
        }

        if (settings.End > DateTimeOffset.UtcNow)
        {
            return "the simulated day lies in the future on this machine's clock; epochs can only be settled once they have ended.";
        }

        return settings.VerificationFraction is < 0 or > 1 || settings.Parallelism is < 1 or > 64
            ? "--verification must be 0 to 1 and --parallelism 1 to 64."
            : null;
    }
}
