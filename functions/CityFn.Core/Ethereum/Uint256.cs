using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Numerics;

namespace CityFn.Core.Ethereum;

/// <summary>The Solidity <c>uint256</c> range for amounts held as <see cref="BigInteger"/>: parsing, checks and ABI encoding.</summary>
public static class Uint256
{
    public const int Size = 32;

    public static readonly BigInteger MaxValue = (BigInteger.One << 256) - 1;

    public static bool IsInRange(BigInteger value) => value.Sign >= 0 && value <= MaxValue;

    /// <summary>Throws when <paramref name="value"/> does not fit a uint256, naming <paramref name="what"/>.</summary>
    public static void EnsureInRange(BigInteger value, string what)
    {
        if (value.Sign < 0)
        {
            throw new ArgumentOutOfRangeException(what, value, $"{what} is negative ({value}); amounts are uint256, 0 or more.");
        }

        if (value > MaxValue)
        {
            throw new ArgumentOutOfRangeException(what, value, $"{what} ({value}) does not fit in a uint256 (at most 2^256 - 1).");
        }
    }

    /// <summary>Parses a decimal integer or a 0x-prefixed hex integer in the uint256 range.</summary>
    public static bool TryParse(string? text, out BigInteger value, [NotNullWhen(false)] out string? error)
    {
        value = default;
        var trimmed = text?.Trim();
        if (string.IsNullOrEmpty(trimmed))
        {
            error = "an amount is empty: expected a non-negative integer in base units.";
            return false;
        }

        var parsed = trimmed.StartsWith("0x", StringComparison.OrdinalIgnoreCase)
            ? trimmed.Length > 2 && BigInteger.TryParse("0" + trimmed[2..], NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out value)
            : trimmed.All(char.IsAsciiDigit) || (trimmed[0] == '-' && trimmed.Length > 1 && trimmed[1..].All(char.IsAsciiDigit))
                ? BigInteger.TryParse(trimmed, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out value)
                : false;
        if (!parsed)
        {
            error = $"'{text}' is not an amount: expected a non-negative integer in base units (decimal, or hex with 0x).";
            return false;
        }

        if (value.Sign < 0)
        {
            error = $"amount {trimmed} is negative: amounts are 0 or more.";
            return false;
        }

        if (value > MaxValue)
        {
            error = $"amount {trimmed} does not fit in a uint256 (at most 2^256 - 1).";
            return false;
        }

        error = null;
        return true;
    }

    /// <summary>Writes the 32-byte big-endian ABI encoding of <paramref name="value"/>.</summary>
    public static void WriteBigEndian(BigInteger value, Span<byte> destination)
    {
        EnsureInRange(value, nameof(value));
        var slot = destination[..Size];
        slot.Clear();
        var length = value.GetByteCount(isUnsigned: true);
        if (!value.TryWriteBytes(slot[(Size - length)..], out _, isUnsigned: true, isBigEndian: true))
        {
            throw new InvalidOperationException("A uint256 did not fit in 32 bytes.");
        }
    }
}
