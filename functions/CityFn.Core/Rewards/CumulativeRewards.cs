using System.Numerics;
using CityFn.Core.Ethereum;
using CityFn.Core.Merkle;

namespace CityFn.Core.Rewards;

/// <summary>
/// The Merkle tree holds cumulative amounts: a claim pays cumulative − already claimed, so every
/// published root stays valid. This adds an epoch's payouts to the previous totals.
/// </summary>
public static class CumulativeRewards
{
    /// <returns>One value per account (previous accounts and new payees), by address.</returns>
    public static IReadOnlyList<RewardLeaf> Add(IEnumerable<RewardLeaf> previous, EpochAllocation allocation)
    {
        ArgumentNullException.ThrowIfNull(previous);
        ArgumentNullException.ThrowIfNull(allocation);
        var totals = new SortedDictionary<EthAddress, BigInteger>();
        foreach (var leaf in previous)
        {
            Uint256.EnsureInRange(leaf.Amount, $"cumulative amount of {leaf.Account}");
            if (!totals.TryAdd(leaf.Account, leaf.Amount))
            {
                throw new ArgumentException($"The previous cumulative totals list {leaf.Account} twice.", nameof(previous));
            }
        }

        foreach (var payout in allocation.Payouts)
        {
            var total = totals.GetValueOrDefault(payout.Account) + payout.Total;
            Uint256.EnsureInRange(total, $"cumulative amount of {payout.Account}");
            totals[payout.Account] = total;
        }

        return [.. totals.Select(entry => new RewardLeaf(entry.Key, entry.Value))];
    }
}
