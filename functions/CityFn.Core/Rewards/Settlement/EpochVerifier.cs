using CityFn.Core.Rewards.Ledger;

namespace CityFn.Core.Rewards.Settlement;

/// <summary>
/// <c>cityfn verify-epoch N</c>: recomputes the epoch from the ledger (and the previous epoch's stored tree)
/// and compares the root with the report, the stored tree, the settlement state and the contract.
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

        var computation = calculator.Compute(await ledger.ReadAsync(epoch, cancellationToken), previous);
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
            report.EpochTotal);
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
    /// <summary>The ledger still holds exactly what the settlement read.</summary>
    public bool LedgerUnchanged => RecomputedLedgerDigest == ReportLedgerDigest;

    /// <summary>The recomputed root is the one in the report, the stored tree, the state and on-chain.</summary>
    public bool RootMatches =>
        RecomputedRoot == ReportRoot && RecomputedRoot == TreeRoot && RecomputedRoot == StateRoot && RecomputedRoot == OnChainRoot;

    public bool IsValid => LedgerUnchanged && RootMatches && RecomputedEpochTotal == ReportEpochTotal;
}
