using System.Numerics;
using CityFn.Core.Ethereum;

namespace CityFn.Core.Rewards;

/// <summary>
/// Splits an integer pool in proportion to integer weights so the parts add up to the pool exactly:
/// each part is floor(pool × weight / total), and the units left over go one each to the largest
/// remainders, ties to the lower address.
/// </summary>
public static class LargestRemainder
{
    /// <param name="pool">Base units to split (0 or more).</param>
    /// <param name="shares">Unique keys with their weights (0 or more); a weight of 0 gets 0.</param>
    /// <returns>The amount for each share, in the order given; all 0 when every weight is 0.</returns>
    public static BigInteger[] Split(BigInteger pool, IReadOnlyList<(EthAddress Key, BigInteger Weight)> shares)
    {
        ArgumentNullException.ThrowIfNull(shares);
        ArgumentOutOfRangeException.ThrowIfNegative(pool);
        var total = BigInteger.Zero;
        foreach (var (_, weight) in shares)
        {
            ArgumentOutOfRangeException.ThrowIfNegative(weight);
            total += weight;
        }

        var amounts = new BigInteger[shares.Count];
        if (total.IsZero)
        {
            return amounts;
        }

        var remainders = new BigInteger[shares.Count];
        var leftover = pool;
        for (var i = 0; i < shares.Count; i++)
        {
            amounts[i] = BigInteger.DivRem(pool * shares[i].Weight, total, out remainders[i]);
            leftover -= amounts[i];
        }

        // leftover * total = sum of remainders, each below total: fewer units than shares with a remainder.
        var order = Enumerable.Range(0, shares.Count)
            .OrderByDescending(i => remainders[i])
            .ThenBy(i => shares[i].Key)
            .Take((int)leftover);
        foreach (var i in order)
        {
            amounts[i] += 1;
        }

        return amounts;
    }
}
