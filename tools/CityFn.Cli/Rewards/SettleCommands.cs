using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using CityFn.Core.Rewards.Settlement;
using CityFn.Core.Storage;
using Microsoft.Extensions.DependencyInjection;
using Spectre.Console;

namespace CityFn.Cli.Rewards;

/// <summary><c>cityfn settle</c> and <c>cityfn verify-epoch</c>: the SettleEpoch stage and its audit, from the command line.</summary>
public static class SettleCommands
{
    // verify-epoch lists at most this many registration changes and changed inputs each.
    private const int MaxLines = 20;

    public static Command BuildSettle(IAnsiConsole console)
    {
        var environment = new RewardsEnvironment();
        var epoch = new Option<long?>("--epoch") { Description = "The epoch to settle (it must have ended; the one before it must be settled)." };
        var due = new Option<bool>("--due") { Description = "Settle every epoch past its grace period, as the SettleEpoch timer does." };
        var keyFile = new Option<FileInfo?>("--key-file") { Description = "Settlement (publisher) key file. Default: $CITYFN_SETTLEMENT_KEY[_FILE], else the dev chain's first funded key." };
        var command = new Command("settle", "Settle an epoch: ledger → allocation → cumulative Merkle tree → report and tree to Blob → publish the root → confirm. Re-running finishes a crashed run.")
        {
            epoch, due, keyFile,
        };
        environment.AddTo(command);

        CliAction.Set(command, console, async (parseResult, cancellationToken) =>
        {
            var which = parseResult.GetValue(epoch);
            if (which.HasValue == parseResult.GetValue(due))
            {
                console.MarkupLine("[red]error:[/] give either --epoch N or --due.");
                return CliAction.UserError;
            }

            await using var services = environment.Build(parseResult, RewardsEnvironment.SettlementKey(parseResult.GetValue(keyFile)));
            var stage = services.GetRequiredService<SettlementStage>();
            try
            {
                var outcomes = which is { } n ? [await stage.SettleAsync(n, cancellationToken)] : await stage.SettleDueAsync(cancellationToken);
                foreach (var outcome in outcomes)
                {
                    console.Profile.Out.Writer.WriteLine(JsonSerializer.Serialize(outcome.State, SettlementJsonContext.Default.SettlementState));
                    foreach (var step in outcome.Steps)
                    {
                        console.MarkupLineInterpolated($"  {step.Step,-20} {step.Elapsed.TotalSeconds.ToString("F2", CultureInfo.InvariantCulture)} s");
                    }
                }

                if (outcomes.Count == 0)
                {
                    console.MarkupLine("nothing due");
                }

                return CliAction.Ok;
            }
            catch (Exception exception) when (exception is InvalidOperationException or SettlementConflictException or LeaseBusyException)
            {
                console.MarkupLineInterpolated($"[red]error:[/] {exception.Message}");
                return exception is InvalidOperationException ? CliAction.UserError : CliAction.NotOk;
            }
        });
        return command;
    }

    public static Command BuildVerify(IAnsiConsole console)
    {
        var environment = new RewardsEnvironment();
        var epoch = new Argument<long>("epoch") { Description = "The settled epoch to check." };
        var command = new Command("verify-epoch", "Recompute an epoch from the ledger and check its root against the report, the stored tree and the contract. Exit 1 on any difference.")
        {
            epoch,
        };
        environment.AddTo(command);

        CliAction.Set(command, console, async (parseResult, cancellationToken) =>
        {
            await using var services = environment.Build(parseResult);
            EpochVerification result;
            try
            {
                result = await services.GetRequiredService<EpochVerifier>().VerifyAsync(parseResult.GetValue(epoch), cancellationToken);
            }
            catch (InvalidOperationException exception)
            {
                console.MarkupLineInterpolated($"[red]error:[/] {exception.Message}");
                return CliAction.UserError;
            }

            Row("recomputed root", result.RecomputedRoot, true);
            Row("report root", result.ReportRoot, result.ReportRoot == result.RecomputedRoot);
            Row("tree.json root", result.TreeRoot ?? "(missing)", result.TreeRoot == result.RecomputedRoot);
            Row("settlement state", result.StateRoot ?? "(missing)", result.StateRoot == result.RecomputedRoot);
            Row("on-chain root", result.OnChainRoot ?? "(not published)", result.OnChainRoot == result.RecomputedRoot);
            Row("ledger digest", result.RecomputedLedgerDigest, result.LedgerUnchanged);
            Row("epoch total", result.RecomputedEpochTotal, result.RecomputedEpochTotal == result.ReportEpochTotal);
            console.MarkupLine(result.UsedRegistrySnapshot
                ? "registry  joined the ledger with the report's registry snapshot (the registrations the settlement used)"
                : "registry  the report has no registry snapshot (settled before snapshots were recorded): joined with today's registry, so an ownership change since settlement reads as a changed ledger");
            foreach (var change in result.RegistryChanges.Take(MaxLines))
            {
                console.MarkupLineInterpolated($"note     device {change.Device} re-registered since settlement (verified with the registration it was paid under):");
                console.MarkupLineInterpolated(
                    $"           owner {change.Snapshot.Owner} (nonce {change.Snapshot.Nonce}) -> {change.Current?.Owner ?? "(not registered)"} (nonce {change.Current?.Nonce.ToString(CultureInfo.InvariantCulture) ?? "-"})");
            }

            More(result.RegistryChanges.Count, "registration changes");
            foreach (var difference in result.Differences.Take(MaxLines))
            {
                console.MarkupLineInterpolated($"changed  {difference}");
            }

            More(result.Differences.Count, "changed inputs");
            console.MarkupLine(result.IsValid
                ? "[green]epoch verified[/]"
                : "[red]epoch does NOT verify[/] (a changed ledger digest means ledger rows were recorded, changed or deleted after settlement)");
            return result.IsValid ? CliAction.Ok : CliAction.NotOk;

            void More(int count, string what)
            {
                if (count > MaxLines)
                {
                    console.MarkupLineInterpolated($"         ... and {count - MaxLines} more {what}");
                }
            }

            void Row(string what, string value, bool ok) =>
                console.MarkupLineInterpolated($"{(ok ? "ok      " : "MISMATCH")} {what,-17} {value}");
        });
        return command;
    }
}
