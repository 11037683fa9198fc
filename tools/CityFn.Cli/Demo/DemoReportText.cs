using System.Globalization;
using System.Numerics;
using Spectre.Console;

namespace CityFn.Cli.Demo;

/// <summary>The demo report as text: one titled block per question a user asks (docs/demo.md, "Reading the report").</summary>
internal static class DemoReportText
{
    public static void Write(IAnsiConsole console, DemoReport report)
    {
        ArgumentNullException.ThrowIfNull(console);
        ArgumentNullException.ThrowIfNull(report);
        var run = report.Run;
        var inv = CultureInfo.InvariantCulture;
        console.WriteLine();
        Title(console, "CityFn demo report");
        Line(console, string.Create(inv, $"seed {run.Seed}: {run.Devices} devices of {run.Owners} owners, {run.Minutes} simulated minutes {run.Start:yyyy-MM-dd HH:mm}–{run.End:HH:mm} UTC, run in {run.Seconds:F1} s"));
        Line(console, string.Create(inv, $"epochs of {run.EpochMinutes} min, so the {run.Minutes} minutes are {run.Minutes / run.EpochMinutes} whole epochs; each is settled once its capture files up to {DemoSettings.Grace.TotalMinutes:F0} min past its end are ingested and scored"));
        Line(console, string.Create(inv, $"spot checks on {run.VerificationFraction:P0} of the scoring jobs (deployed default 5 %), so that the lying host is likely caught within minutes of simulated data"));
        foreach (var model in run.Models)
        {
            Line(console, $"model {model.Name}: {model.Source}");
        }

        var readings = report.Readings;
        Title(console, "Readings");
        Line(console, string.Create(inv, $"{readings.MessagesSent:N0} signed messages sent ({readings.ReplaysSent:N0} replays; {readings.DroppedDeviceMinutes:N0} device-minutes silent) in {readings.CaptureFiles:N0} capture files"));
        Line(console, string.Create(inv, $"{readings.Messages:N0} messages ingested = {readings.Accepted:N0} accepted ({readings.Readings:N0} readings) + {readings.Rejected.Values.Sum():N0} rejected"));
        foreach (var (reason, count) in readings.Rejected.OrderByDescending(r => r.Value))
        {
            Line(console, string.Create(inv, $"  rejected {reason,-22} {count,8:N0}"));
        }

        var scoring = report.Scoring;
        Title(console, "Scoring");
        Line(console, string.Create(inv, $"{scoring.Scored:N0}/{scoring.Jobs:N0} jobs scored on the edge hosts ({scoring.Rows:N0} rows), {scoring.Verified:N0} spot checks, {scoring.Mismatches:N0} mismatches, {scoring.Retried:N0} retries, {scoring.Hedged:N0} hedged calls, {scoring.Alerts:N0} alerts; poisoned {scoring.Poisoned}"));
        var forecast = report.Forecast;
        Line(console, forecast.MaeKmh is { } mae
            ? string.Create(inv, $"forecast +15 min ({forecast.Model}): MAE {mae:F2} km/h vs persistence {forecast.PersistenceMaeKmh:F2} km/h over {forecast.Compared:N0} of {forecast.Forecasts:N0} forecasts")
            : string.Create(inv, $"forecast +15 min ({forecast.Model}): {forecast.Forecasts:N0} forecasts; MAE {forecast.Note}"));

        var faults = report.Faults;
        Title(console, "Faults: injected vs detected");
        Line(console, string.Create(inv, $"{faults.ScoredDeviceMinutes:N0} device-minutes scored by sensor-quality; {faults.Flagged:N0} flagged (fault probability >= {faults.Threshold:F2}), {faults.FlaggedFaulty:N0} of them faulty: precision {(faults.Precision is { } p ? p.ToString("P0", inv) : "n/a")}"));
        Line(console, string.Create(inv, $"  {"fault",-14} {"injected",9} {"scored",7} {"detected",9} {"recall",7}  caught by"));
        foreach (var kind in faults.Kinds)
        {
            var basis = kind.Kind is "replayed" or "dropout" ? kind.Injected : kind.Scored;
            var recall = basis == 0 || kind.Kind == "dropout" ? "-" : Math.Min(1.0, (double)kind.Detected / basis).ToString("P0", inv);
            Line(console, string.Create(inv, $"  {kind.Kind,-14} {kind.Injected,9:N0} {kind.Scored,7:N0} {kind.Detected,9:N0} {recall,7}  {kind.CaughtBy}"));
        }

        Title(console, "Edge hosts");
        foreach (var host in report.Hosts)
        {
            var verdict = host.Status == "quarantined" ? "[red]quarantined[/]" : $"[green]{Markup.Escape(host.Status)}[/]";
            console.Profile.Out.Writer.Write(string.Create(inv, $"  {host.Name} {host.Address} {(host.Misbehaving ? "(serves tampered models)" : "(honest)")}: "));
            console.MarkupLine(string.Create(inv, $"{verdict}, {host.Checks:N0} spot checks, {host.FailedChecks:N0} failed"));
            if (host.Misbehaving && host.Status != "quarantined")
            {
                // A spot check samples jobs at random: in a short run the liar may never be checked.
                console.MarkupLine("      [yellow]not caught in this run:[/] none of its jobs was spot-checked (raise --verification or run longer)");
            }

            if (host.Evidence is not null)
            {
                Line(console, $"      evidence: {host.Evidence} ({host.QuarantineReason})");
            }
        }

        Title(console, "Epochs settled on-chain");
        foreach (var epoch in report.Epochs)
        {
            Line(console, string.Create(inv, $"  epoch {epoch.Epoch} {epoch.Start:HH:mm}–{epoch.End:HH:mm}: {epoch.Status}, {DemoRun.Tokens(BigInteger.Parse(epoch.EpochTotal, inv))} CRT to {epoch.Accounts} accounts (cumulative)"));
            Line(console, $"      root {epoch.Root} {(epoch.OnChainRoot == epoch.Root ? "(= on-chain root)" : $"(on-chain: {epoch.OnChainRoot})")}");
            Line(console, string.Create(inv, $"      tx   {epoch.TransactionHash} (block {epoch.Block}, {epoch.GasUsed:N0} gas)"));
        }

        Title(console, "Top contributors (cumulative)");
        foreach (var contributor in report.TopContributors)
        {
            Line(console, string.Create(inv,
                $"  {contributor.Account} {Tokens(contributor.Cumulative),14} CRT  (data {Tokens(contributor.Data)}, compute {Tokens(contributor.Compute)} in the last epoch)  {contributor.Role}"));
        }

        if (report.Claim is { } claim)
        {
            Title(console, "Claim");
            Line(console, string.Create(inv, $"  {claim.Account} claimed with the proof of epoch {claim.Epoch}: paid {Tokens(claim.Paid)} CRT"));
            Line(console, string.Create(inv, $"      balance {Tokens(claim.BalanceBefore)} -> {Tokens(claim.BalanceAfter)} CRT, tx {claim.TransactionHash} ({claim.GasUsed:N0} gas)"));
        }

        Title(console, "Phases");
        foreach (var phase in report.Phases)
        {
            Line(console, string.Create(inv, $"  {phase.Seconds,7:F1} s  {phase.Name}"));
        }

        Line(console, "stopped: " + string.Join(", ", report.Stopped));
        if (run.DataFolder is not null)
        {
            Line(console, $"data kept in {run.DataFolder}");
        }

        console.MarkupLine(report.Failure is null ? "[green]demo completed[/]" : $"[red]demo failed:[/] {Markup.Escape(report.Failure)}");
    }

    private static string Tokens(string baseUnits) => DemoRun.Tokens(BigInteger.Parse(baseUnits, CultureInfo.InvariantCulture));

    private static void Title(IAnsiConsole console, string title)
    {
        console.WriteLine();
        console.MarkupLine($"[bold]{Markup.Escape(title)}[/]");
    }

    // Plain lines, unwrapped: hashes and addresses stay whole and copyable whatever the console width.
    private static void Line(IAnsiConsole console, string text) => console.Profile.Out.Writer.WriteLine(text);
}
