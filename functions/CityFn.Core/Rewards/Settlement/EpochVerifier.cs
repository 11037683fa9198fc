using CityFn.Core.Rewards.Ledger;

namespace CityFn.Core.Rewards.Settlement;

/// <summary>
/// <c>cityfn verify-epoch N</c>: recomputes the epoch from the ledger (and the previous epoch's stored tree)
/// and compares the root with the report, the stored tree, the settlement state and the contract. The ledger
/// rows are joined with the registry snapshot the report recorded, so ownership changes after settlement do
/// not count as a changed ledger; a report without a snapshot (written before they were recorded) is
/// recomputed with today's registry.
/// </summary>
public sealed class EpochVerifier(EpochLedgerStore ledger, EpochCalculator calculator, SettlementStore store, SettlementChain chain)
{
    public async Task<EpochVerification> VerifyAsync(long epoch, CancellationToken cancellationToken = default)
    {
        var report = await store.ReadReportAsync(epoch, cancellationToken)
            ?? throw new InvalidOperationException($"Epoch {epoch} has no report ({SettlementStore.ContainerName}/{SettlementStore.ReportBlobName(epoch)}): it was not settled here.");
        PreviousTotals? previous = null;
        if (report.PreviousEpoch is { } previousEpoch)
        {
            var previousTree = await store.ReadTreeAsync(previousEpoch, cancellationToken)
                ?? throw new InvalidOperationException($"The tree of epoch {previousEpoch}, which epoch {epoch} adds to, is missing.");
            previous = new PreviousTotals(previousEpoch, previousTree.RootHex, previousTree.Values);
        }

        var snapshot = report.ToRegistrySnapshot();
        var read = await ledger.ReadWithRegistryAsync(epoch, snapshot, cancellationToken);
        var computation = calculator.Compute(read.Ledger, previous, read.Registry);
        var tree = await store.ReadTreeAsync(epoch, cancellationToken);
        var state = await store.GetAsync(epoch, cancellationToken);
        var distributor = await chain.ReaderAsync(cancellationToken);
        var onChain = await distributor.GetRootAsync(epoch, cancellationToken);
        return new EpochVerification(
            epoch,
            computation.Report.Root,
            report.Root,
            tree?.RootHex,
            state?.Root,
            onChain.All(b => b == 0) ? null : "0x" + Convert.ToHexStringLower(onChain),
            computation.Report.LedgerDigest,
            report.LedgerDigest,
            computation.Report.EpochTotal,
            report.EpochTotal)
        {
            UsedRegistrySnapshot = snapshot is not null,
            RegistryChanges = read.Changes,
            Differences = ReportDifferences.Between(report, computation.Report),
        };
    }
}

/// <summary>What verify-epoch found; null where a thing does not exist (no tree blob, no state, no root on-chain).</summary>
public sealed record EpochVerification(
    long Epoch,
    string RecomputedRoot,
    string ReportRoot,
    string? TreeRoot,
    string? StateRoot,
    string? OnChainRoot,
    string RecomputedLedgerDigest,
    string ReportLedgerDigest,
    string RecomputedEpochTotal,
    string ReportEpochTotal)
{
    /// <summary>
    /// Whether the ledger was joined with the report's registry snapshot; false for a report written before
    /// snapshots were recorded (today's registry was used, so an ownership change reads as a changed ledger).
    /// </summary>
    public bool UsedRegistrySnapshot { get; init; }

    /// <summary>Devices registered differently today than when the epoch was settled (informational: the snapshot was used).</summary>
    public IReadOnlyList<RegistrationChange> RegistryChanges { get; init; } = [];

    /// <summary>Per device or host, what the ledger says now that differs from what the report recorded.</summary>
    public IReadOnlyList<string> Differences { get; init; } = [];

    /// <summary>The ledger still holds exactly what the settlement read.</summary>
    public bool LedgerUnchanged => RecomputedLedgerDigest == ReportLedgerDigest;

    /// <summary>The recomputed root is the one in the report, the stored tree, the state and on-chain.</summary>
    public bool RootMatches =>
        RecomputedRoot == ReportRoot && RecomputedRoot == TreeRoot && RecomputedRoot == StateRoot && RecomputedRoot == OnChainRoot;

    public bool IsValid => LedgerUnchanged && RootMatches && RecomputedEpochTotal == ReportEpochTotal;
}
