using System.Globalization;
using System.Numerics;
using CityFn.Core.Ethereum;
using CityFn.Core.Merkle;
using CityFn.Core.Rewards.Ledger;
using Microsoft.Extensions.Options;

namespace CityFn.Core.Rewards.Settlement;

/// <summary>The cumulative totals an epoch adds to: the previous epoch's tree, or none for the distributor's first epoch.</summary>
public sealed record PreviousTotals(long Epoch, string Root, IReadOnlyList<RewardLeaf> Values);

/// <summary>Everything settlement computes for an epoch before anything is published.</summary>
public sealed record EpochComputation(EpochLedger Ledger, EpochAllocation Allocation, StandardMerkleTree Tree, SettlementReport Report)
{
    public BigInteger EpochTotal => Allocation.Payouts.Aggregate(BigInteger.Zero, (sum, p) => sum + p.Total);
}

/// <summary>
/// Ledger → allocation → cumulative totals → tree → report: pure and deterministic, so settling and
/// <c>cityfn verify-epoch</c> run exactly the same computation.
/// </summary>
public sealed class EpochCalculator(RewardAllocator allocator, IOptions<RewardsPolicyOptions> policy)
{
    /// <summary>
    /// The value a tree holds before anyone has earned: publishing needs a non-zero root, and nobody can
    /// claim an amount of 0 for the zero address. Removed again when the next epoch adds to the totals.
    /// </summary>
    public static readonly RewardLeaf Placeholder = new(EthAddress.Zero, BigInteger.Zero);

    /// <summary>
    /// Computes the epoch; <paramref name="registry"/> (the registrations the ledger was joined with) goes into
    /// the report so that verify-epoch can recompute with the same registrations later.
    /// </summary>
    public EpochComputation Compute(EpochLedger ledger, PreviousTotals? previous, RegistrySnapshot? registry = null)
    {
        ArgumentNullException.ThrowIfNull(ledger);
        var options = policy.Value;
        var clock = new EpochClock(options.EpochLength);
        var allocation = allocator.Allocate(ledger, options.EpochPoolAmount());
        var previousValues = previous?.Values.Where(v => v != Placeholder) ?? [];
        var cumulative = CumulativeRewards.Add(previousValues, allocation);
        var tree = StandardMerkleTree.Of(cumulative.Count > 0 ? cumulative : [Placeholder]);
        var epochTotal = allocation.Payouts.Aggregate(BigInteger.Zero, (sum, p) => sum + p.Total);
        var cumulativeByAccount = cumulative.ToDictionary(v => v.Account, v => v.Amount);
        var data = ledger.Data.ToDictionary(d => d.Device);

        var report = new SettlementReport(
            ledger.Epoch,
            clock.StartOf(ledger.Epoch),
            clock.EndOf(ledger.Epoch),
            tree.RootHex,
            LedgerDigest.Of(ledger),
            previous?.Epoch,
            previous?.Root,
            Text(allocation.Pool),
            Text(allocation.DataPool),
            Text(allocation.ComputePool),
            Text(allocation.Unallocated),
            Text(epochTotal),
            Text(cumulative.Aggregate(BigInteger.Zero, (sum, v) => sum + v.Amount)),
            tree.Count,
            [.. allocation.Payouts.Select(p => new ReportPayout(
                p.Account.ToLowerHex(), Text(p.Data), Text(p.Compute), Text(p.Total), Text(cumulativeByAccount[p.Account])))],
            [.. allocation.Devices.Select(d =>
            {
                var input = data[d.Device];
                var device = d.Device.ToLowerHex();
                var registration = registry?.Registered.GetValueOrDefault(device);
                return new ReportDevice(
                    device, d.Owner.ToLowerHex(), d.CellId, input.AcceptedSamples, input.ExpectedSamples, input.Quality,
                    Text(d.Score), d.Outcome.ToString(), Text(d.Amount), registration?.Nonce, registration is null ? null : input.RegistrationSequence);
            })],
            [.. allocation.Hosts.Select(h => new ReportHost(h.Host.ToLowerHex(), h.Operator.ToLowerHex(), Text(h.Score), h.Quarantined, Text(h.Amount)))],
            [.. ledger.Quarantines.OrderBy(q => q.Host).Select(q => new ReportQuarantine(q.Host.ToLowerHex(), q.Reason))],
            registry is null ? null : [.. registry.Unregistered.Order(StringComparer.Ordinal)]);
        return new EpochComputation(ledger, allocation, tree, report);
    }

    private static string Text(BigInteger value) => value.ToString(CultureInfo.InvariantCulture);
}
