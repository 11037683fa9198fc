using System.Numerics;

namespace CityFn.Core.Rewards;

/// <summary>
/// Scores as integers with 18 decimals, so ranking and shares use exact integer arithmetic: no
/// floating point on the way to an amount.
/// </summary>
public static class RewardScore
{
    public static readonly BigInteger Scale = BigInteger.Pow(10, 18);

    /// <summary>min(accepted, expected) / expected × quality, rounded down to 18 decimals; 0 when nothing was expected.</summary>
    public static BigInteger Device(long acceptedSamples, long expectedSamples, decimal quality)
    {
        if (expectedSamples == 0)
        {
            return BigInteger.Zero;
        }

        var accepted = Math.Min(acceptedSamples, expectedSamples);
        return accepted * ToFixedPoint(quality) / expectedSamples;
    }

    /// <summary>verified rows × model cost weight, the weight taken to 18 decimals (rounded down).</summary>
    public static BigInteger Host(long verifiedRows, decimal modelCostWeight) =>
        verifiedRows * ToFixedPoint(modelCostWeight);

    /// <summary>floor(<paramref name="value"/> × 10^18) for a non-negative decimal, computed exactly from its mantissa and scale.</summary>
    public static BigInteger ToFixedPoint(decimal value)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(value);
        Span<int> bits = stackalloc int[4];
        decimal.GetBits(value, bits);
        var mantissa = new BigInteger((uint)bits[0]) | (new BigInteger((uint)bits[1]) << 32) | (new BigInteger((uint)bits[2]) << 64);
        var scale = (bits[3] >> 16) & 0xff;
        return mantissa * Scale / BigInteger.Pow(10, scale);
    }
}
