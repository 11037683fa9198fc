using System.Diagnostics.CodeAnalysis;

namespace CityFn.Core.Ingest;

/// <summary>Ethereum-style addresses as the ingest path writes them: "0x" + 40 lowercase hex digits
/// (derived from a key by <see cref="Ethereum.RecoverableSignature.AddressOf"/>).</summary>
public static class DeviceAddress
{
    /// <summary>Accepts any letter case (EIP-55 checksummed too) and returns the lowercase form.</summary>
    public static bool TryNormalize(string? value, [NotNullWhen(true)] out string? address)
    {
        address = null;
        if (value is null || value.Length != 42 || !value.StartsWith("0x", StringComparison.OrdinalIgnoreCase))
        {
            return false;
        }

        foreach (var c in value.AsSpan(2))
        {
            if (!char.IsAsciiHexDigit(c))
            {
                return false;
            }
        }

        address = "0x" + value[2..].ToLowerInvariant();
        return true;
    }
}
