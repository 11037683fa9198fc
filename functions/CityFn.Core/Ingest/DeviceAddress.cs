using CityFn.Core.Ethereum;
using System.Diagnostics.CodeAnalysis;
using NBitcoin.Secp256k1;

namespace CityFn.Core.Ingest;

/// <summary>Ethereum-style addresses as the ingest path writes them: "0x" + 40 lowercase hex digits.</summary>
public static class DeviceAddress
{
    public static string FromPublicKey(ECPubKey publicKey)
    {
        ArgumentNullException.ThrowIfNull(publicKey);
        Span<byte> uncompressed = stackalloc byte[65];
        publicKey.WriteToSpan(compressed: false, uncompressed, out _);
        Span<byte> hash = stackalloc byte[Keccak256.HashSize];
        Keccak256.Hash(uncompressed[1..], hash);
        return "0x" + Convert.ToHexStringLower(hash[12..]);
    }

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
