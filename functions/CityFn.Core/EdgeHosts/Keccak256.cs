using Nethereum.Util;

namespace CityFn.Core.EdgeHosts;

/// <summary>Ethereum's Keccak-256 (not NIST SHA3-256: the padding differs).</summary>
public static class Keccak256
{
    public const int Size = 32;

    public static byte[] Hash(byte[] data)
    {
        ArgumentNullException.ThrowIfNull(data);
        // A new instance per call: the hasher keeps state while it runs.
        return new Sha3Keccack().CalculateHash(data);
    }

    public static byte[] Hash(ReadOnlySpan<byte> data) => Hash(data.ToArray());

    /// <summary>keccak256 of the concatenation of <paramref name="parts"/>.</summary>
    public static byte[] HashConcatenation(params ReadOnlySpan<byte[]> parts)
    {
        var length = 0;
        foreach (var part in parts)
        {
            length += part.Length;
        }

        var buffer = new byte[length];
        var offset = 0;
        foreach (var part in parts)
        {
            part.CopyTo(buffer, offset);
            offset += part.Length;
        }

        return Hash(buffer);
    }
}
