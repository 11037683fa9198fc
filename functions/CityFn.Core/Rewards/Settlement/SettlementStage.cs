using System.Diagnostics;
using System.Numerics;
using CityFn.Core.Rewards.Ledger;
using CityFn.Core.Storage;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Nethereum.RPC.Eth.DTOs;

namespace CityFn.Core.Rewards.Settlement;

/// <summary>
/// Settles epochs as a persisted state machine (docs/rewards.md "Settlement"): Computed (report and tree in
/// Blob, root fixed) → Submitted (publish transaction hash saved) → Confirmed. Each step starts from the saved
/// state, so a run that crashed anywhere is finished by the next run, which publishes at most once: before
/// sending, it asks the contract whether the epoch's root is already there and waits for any pending
/// transaction of the key; the contract itself refuses a second root for an epoch. A run holds a lease on the
/// epoch while it settles it, so a concurrent run is refused with <see cref="LeaseBusyException"/>.
/// The SettleEpoch function and <c>cityfn settle</c> both call this stage.
/// </summary>
public sealed class SettlementStage(
    EpochLedgerStore ledger,
    EpochCalculator calculator,
    SettlementStore store,
    SettlementChain chain,
    IOptions<RewardsPolicyOptions> policy,
    IOptions<SettlementOptions> options,
    TimeProvider timeProvider,
    ILogger<SettlementStage>? logger = null)
{
    private readonly ILogger _logger = logger ?? NullLogger<SettlementStage>.Instance;
    private readonly EpochClock _clock = new(policy.Value.EpochLength);

    /// <summary>Runs after each checkpoint; tests throw from it to stop a run where a crash would.</summary>
    public Func<SettlementCheckpoint, long, CancellationToken, Task>? AfterStep { get; init; }

    /// <summary>Settles one epoch that has ended (or finishes its settlement); the previous epoch must be settled.</summary>
    public async Task<SettlementOutcome> SettleAsync(long epoch, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(epoch);
        var end = _clock.EndOf(epoch);
        if (end > timeProvider.GetUtcNow())
        {
            throw new InvalidOperationException($"Epoch {epoch} ends at {end:u}; it can be settled after that.");
        }

        // One run per epoch at a time (the timer and a manual `cityfn settle`, or two CLI runs): the other is
        // refused with LeaseBusyException before it reads or sends anything.
        await using var lease = await store.LeaseEpochAsync(epoch, cancellationToken);
        var steps = new List<SettlementStepTiming>();
        var state = await store.GetAsync(epoch, cancellationToken) ?? await ComputeAsync(epoch, steps, cancellationToken);
        if (state.Status == SettlementStatus.Computed)
        {
            state = await PublishAsync(state, steps, cancellationToken);
        }

        if (state.Status == SettlementStatus.Submitted)
        {
            state = await ConfirmAsync(state, steps, cancellationToken);
        }

        return new SettlementOutcome(state, steps);
    }

    /// <summary>
    /// What the SettleEpoch timer runs: <see cref="SettleDueAsync"/>, except that an epoch another run is settling
    /// right now (a manual <c>cityfn settle</c>) ends this run with a log line instead of an error; the next tick
    /// carries on from wherever that run got to.
    /// </summary>
    public async Task<IReadOnlyList<SettlementOutcome>> SettleDueOnScheduleAsync(CancellationToken cancellationToken = default)
    {
        try
        {
            return await SettleDueAsync(cancellationToken);
        }
        catch (LeaseBusyException exception)
        {
            SettlementLog.EpochBusy(_logger, exception.Message);
            return [];
        }
    }

    /// <summary>
    /// Every epoch that ended at least the grace period ago and is not confirmed,
    /// in order, starting after the distributor's last published epoch; at most MaxEpochsPerRun per call.
    /// </summary>
    public async Task<IReadOnlyList<SettlementOutcome>> SettleDueAsync(CancellationToken cancellationToken = default)
    {
        if (!chain.HasDistributor)
        {
            // Deployed infrastructure before the contracts: nothing to settle to, and not an error every 5 minutes.
            SettlementLog.NoDistributor(_logger);
            return [];
        }

        var lastDue = _clock.EpochOf(timeProvider.GetUtcNow() - options.Value.GracePeriod) - 1;
        var publisher = await chain.PublisherAsync(cancellationToken);
        var current = (long)await publisher.Distributor.GetCurrentEpochAsync(cancellationToken);
        // The last published epoch may still wait for its confirmations.
        var next = await store.GetAsync(current, cancellationToken) is { Status: not SettlementStatus.Confirmed } ? current : current + 1;
        var outcomes = new List<SettlementOutcome>();
        if (next > lastDue)
        {
            return outcomes;
        }

        SettlementLog.SettlingDue(_logger, next, Math.Min(lastDue, next + options.Value.MaxEpochsPerRun - 1));
        for (var epoch = next; epoch <= lastDue && outcomes.Count < options.Value.MaxEpochsPerRun; epoch++)
        {
            outcomes.Add(await SettleAsync(epoch, cancellationToken));
        }

        return outcomes;
    }

    /// <summary>The cumulative totals the epoch adds to, from the previous epoch's tree in Blob.</summary>
    public async Task<PreviousTotals?> PreviousTotalsAsync(long epoch, CancellationToken cancellationToken = default)
    {
        var previous = epoch - 1;
        var previousState = await store.GetAsync(previous, cancellationToken);
        if (previousState is not null)
        {
            if (previousState.Status != SettlementStatus.Confirmed)
            {
                throw new InvalidOperationException($"Epoch {previous} is {previousState.Status}, not confirmed: settle it before epoch {epoch}.");
            }

            var tree = await store.ReadTreeAsync(previous, cancellationToken)
                ?? throw new InvalidOperationException($"Epoch {previous} is confirmed but its tree ({SettlementStore.ContainerName}/{SettlementStore.TreeBlobName(previous)}) is missing.");
            if (tree.RootHex != previousState.Root)
            {
                throw new InvalidOperationException($"The stored tree of epoch {previous} has root {tree.RootHex}, not the confirmed root {previousState.Root}.");
            }

            return new PreviousTotals(previous, tree.RootHex, tree.Values);
        }

        // No settlement of the previous epoch: only the distributor's first epoch may start from nothing.
        var publisher = await chain.PublisherAsync(cancellationToken);
        var current = (long)await publisher.Distributor.GetCurrentEpochAsync(cancellationToken);
        if (current == previous && IsZero(await publisher.Distributor.GetRootAsync(previous, cancellationToken)))
        {
            return null;
        }

        throw new InvalidOperationException(current < previous
            ? $"Epoch {previous} is not settled; the distributor's last epoch is {current}: settle epoch {current + 1} first."
            : $"Epoch {previous} has no settlement record here but the distributor is at epoch {current}: its cumulative totals are unknown.");
    }

    private async Task<SettlementState> ComputeAsync(long epoch, List<SettlementStepTiming> steps, CancellationToken cancellationToken)
    {
        var previous = await Timed(steps, "previous-totals", () => PreviousTotalsAsync(epoch, cancellationToken));
        var read = await Timed(steps, "read-ledger", () => ledger.ReadWithRegistryAsync(epoch, snapshot: null, cancellationToken));
        var computation = await Timed(steps, "allocate-and-tree", () => Task.FromResult(calculator.Compute(read.Ledger, previous, read.Registry)));
        // Blobs first: a state that says Computed always has its tree, so a published root can always be claimed.
        await Timed(steps, "write-blobs", async () =>
        {
            await store.WriteTreeAsync(epoch, computation.Tree, cancellationToken);
            await store.WriteReportAsync(computation.Report, cancellationToken);
            return true;
        });
        // Then the payout index (the dashboard's contributor lookup), before the state that says it is there.
        // Upserts: a rerun that recomputes the epoch rewrites the same rows.
        await Timed(steps, "write-index", async () =>
        {
            await store.Payouts.WriteAsync(computation.Report, cancellationToken);
            return true;
        });
        var report = computation.Report;
        var state = new SettlementState(
            epoch, SettlementStatus.Computed, report.Root, report.EpochTotal, report.LedgerDigest, report.Accounts, timeProvider.GetUtcNow(), PayoutsIndexed: true);
        if (!await store.TryAddAsync(state, cancellationToken))
        {
            // Another run computed it first; its state (and blobs of the same ledger) win.
            return await store.GetAsync(epoch, cancellationToken) ?? state;
        }

        SettlementLog.Computed(_logger, epoch, state.Root, state.EpochTotal, state.Accounts, state.LedgerDigest);
        await CheckpointAsync(SettlementCheckpoint.Computed, epoch, cancellationToken);
        return state;
    }

    private async Task<SettlementState> PublishAsync(SettlementState state, List<SettlementStepTiming> steps, CancellationToken cancellationToken)
    {
        var started = Stopwatch.GetTimestamp();
        var publisher = await chain.PublisherAsync(cancellationToken);
        var epoch = state.Epoch;
        if (await AlreadyPublishedAsync(publisher, state, cancellationToken) is { } found)
        {
            return await ConfirmAsync(found, steps, cancellationToken);
        }

        var tree = await store.ReadTreeAsync(epoch, cancellationToken);
        if (tree?.RootHex != state.Root)
        {
            throw new InvalidOperationException(
                $"Epoch {epoch}: the stored tree's root ({tree?.RootHex ?? "no tree"}) is not the computed root {state.Root}; refusing to publish a root nobody could claim against.");
        }

        var current = (long)await publisher.Distributor.GetCurrentEpochAsync(cancellationToken);
        if (current != epoch - 1)
        {
            throw new InvalidOperationException($"The distributor expects epoch {current + 1} next, not {epoch}.");
        }

        var submitted = state;
        var receipt = await publisher.Distributor.PublishRootAsync(
            epoch, Convert.FromHexString(state.Root.AsSpan(2)), BigInteger.Parse(state.EpochTotal, System.Globalization.CultureInfo.InvariantCulture),
            async (sent, ct) =>
            {
                await CheckpointAsync(SettlementCheckpoint.Sent, epoch, ct);
                submitted = state with
                {
                    Status = SettlementStatus.Submitted,
                    TransactionHash = sent.Hash,
                    Nonce = (long)sent.Nonce,
                    SubmittedAt = timeProvider.GetUtcNow(),
                };
                await store.SaveAsync(submitted, ct);
                SettlementLog.Submitted(_logger, epoch, sent.Hash);
                await CheckpointAsync(SettlementCheckpoint.Submitted, epoch, ct);
            },
            cancellationToken);
        steps.Add(new SettlementStepTiming("publish-and-confirm", Stopwatch.GetElapsedTime(started)));
        return await SaveConfirmedAsync(submitted, receipt, cancellationToken);
    }

    /// <summary>
    /// Before sending: is the root already on-chain (a run sent it and crashed before saving)? A transaction of
    /// the key still in the pool may be that publish, so it is awaited first.
    /// </summary>
    private async Task<SettlementState?> AlreadyPublishedAsync(SettlementPublisher publisher, SettlementState state, CancellationToken cancellationToken)
    {
        var deadline = timeProvider.GetUtcNow() + publisher.Client.Options.ConfirmationTimeout;
        while (await publisher.Client.GetTransactionCountAsync(includePending: true, cancellationToken)
            > await publisher.Client.GetTransactionCountAsync(includePending: false, cancellationToken))
        {
            SettlementLog.WaitingForPending(_logger, state.Epoch);
            if (timeProvider.GetUtcNow() > deadline)
            {
                throw new TimeoutException($"Epoch {state.Epoch}: a pending transaction of the settlement key was not mined within {publisher.Client.Options.ConfirmationTimeout}.");
            }

            await Task.Delay(publisher.Client.Options.PollInterval, timeProvider, cancellationToken);
        }

        var onChain = "0x" + Convert.ToHexStringLower(await publisher.Distributor.GetRootAsync(state.Epoch, cancellationToken));
        if (IsZero(Convert.FromHexString(onChain.AsSpan(2))))
        {
            return null;
        }

        if (onChain != state.Root)
        {
            throw new SettlementConflictException(
                $"Epoch {state.Epoch} has root {onChain} on-chain, but this settlement computed {state.Root}; not publishing. Compare the ledger with the published report.");
        }

        var hash = await publisher.Distributor.FindRootPublishedTransactionAsync(state.Epoch, cancellationToken)
            ?? throw new InvalidOperationException($"Epoch {state.Epoch}: the root is on-chain but no RootPublished event of it was found.");
        SettlementLog.FoundOnChain(_logger, state.Epoch, hash);
        var submitted = state with { Status = SettlementStatus.Submitted, TransactionHash = hash, SubmittedAt = timeProvider.GetUtcNow() };
        await store.SaveAsync(submitted, cancellationToken);
        await CheckpointAsync(SettlementCheckpoint.Submitted, state.Epoch, cancellationToken);
        return submitted;
    }

    private async Task<SettlementState> ConfirmAsync(SettlementState state, List<SettlementStepTiming> steps, CancellationToken cancellationToken)
    {
        var started = Stopwatch.GetTimestamp();
        var publisher = await chain.PublisherAsync(cancellationToken);
        TransactionReceipt? receipt = null;
        try
        {
            receipt = await publisher.Client.WaitForReceiptAsync(state.TransactionHash!, cancellationToken);
        }
        catch (TimeoutException)
        {
            // Dropped from the pool and its nonce taken by another transaction: it will never be mined.
            // Otherwise it may still be mined: leave the state as it is for the next run.
            if (!await NonceUsedElsewhereAsync(publisher, state, cancellationToken))
            {
                throw;
            }
        }

        if (receipt?.Status?.Value == 1)
        {
            steps.Add(new SettlementStepTiming("confirm", Stopwatch.GetElapsedTime(started)));
            return await SaveConfirmedAsync(state, receipt, cancellationToken);
        }

        // Failed or dropped. Publishing checks first whether the root got on-chain another way.
        SettlementLog.Republishing(_logger, state.Epoch, state.TransactionHash);
        var computed = state with { Status = SettlementStatus.Computed, TransactionHash = null, Nonce = null, SubmittedAt = null };
        await store.SaveAsync(computed, cancellationToken);
        return await PublishAsync(computed, steps, cancellationToken);
    }

    private static async Task<bool> NonceUsedElsewhereAsync(SettlementPublisher publisher, SettlementState state, CancellationToken cancellationToken) =>
        state.Nonce is { } nonce && await publisher.Client.GetTransactionCountAsync(includePending: false, cancellationToken) > nonce;

    private async Task<SettlementState> SaveConfirmedAsync(SettlementState state, TransactionReceipt receipt, CancellationToken cancellationToken)
    {
        var confirmed = state with
        {
            Status = SettlementStatus.Confirmed,
            TransactionHash = receipt.TransactionHash,
            Block = (long)receipt.BlockNumber.Value,
            GasUsed = (long)receipt.GasUsed.Value,
            ConfirmedAt = timeProvider.GetUtcNow(),
        };
        await store.SaveAsync(confirmed, cancellationToken);
        SettlementLog.Confirmed(_logger, state.Epoch, confirmed.Block);
        await CheckpointAsync(SettlementCheckpoint.Confirmed, state.Epoch, cancellationToken);
        return confirmed;
    }

    private Task CheckpointAsync(SettlementCheckpoint checkpoint, long epoch, CancellationToken cancellationToken) =>
        AfterStep?.Invoke(checkpoint, epoch, cancellationToken) ?? Task.CompletedTask;

    private static async Task<T> Timed<T>(List<SettlementStepTiming> steps, string step, Func<Task<T>> action)
    {
        var started = Stopwatch.GetTimestamp();
        var result = await action();
        steps.Add(new SettlementStepTiming(step, Stopwatch.GetElapsedTime(started)));
        return result;
    }

    private static bool IsZero(byte[] root) => root.All(b => b == 0);
}
