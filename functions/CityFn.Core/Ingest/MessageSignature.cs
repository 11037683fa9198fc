using CityFn.Core.Ethereum;
using System.Diagnostics.CodeAnalysis;
using System.Text;
using NBitcoin.Secp256k1;

namespace CityFn.Core.Ingest;

/// <summary>
/// The device signature on a message body: EIP-191 personal_sign of the 32-byte keccak256 of the
/// exact body bytes, i.e. secp256k1 over keccak256("\x19Ethereum Signed Message:\n32" || keccak256(body)),
/// encoded r (32) || s (32) || v (1, 27 or 28). Recovery uses NBitcoin.Secp256k1 (managed and several
/// times faster than Nethereum's BouncyCastle path) because it runs once per message on the hot path.
/// </summary>
public static class MessageSignature
{
    public const int Length = 65;

    /// <summary>0x19 then "Ethereum Signed Message:\n32" (28 bytes in all); "\x19E" in a C# literal would be one char U+019E.</summary>
    private static readonly byte[] Prefix = [0x19, .. Encoding.ASCII.GetBytes("Ethereum Signed Message:\n32")];

    /// <summary>The 32-byte digest the device signs for <paramref name="body"/>.</summary>
    public static void Digest(ReadOnlySpan<byte> body, Span<byte> digest)
    {
        Span<byte> bodyHash = stackalloc byte[Keccak256.HashSize];
        Keccak256.Hash(body, bodyHash);
        DigestOfHash(bodyHash, digest);
    }

    /// <summary>The digest from an already computed keccak256(body).</summary>
    public static void DigestOfHash(ReadOnlySpan<byte> bodyHash, Span<byte> digest)
    {
        Span<byte> prefixed = stackalloc byte[Prefix.Length + Keccak256.HashSize];
        Prefix.CopyTo(prefixed);
        bodyHash.CopyTo(prefixed[Prefix.Length..]);
        Keccak256.Hash(prefixed, digest);
    }

    public static byte[] Sign(ECPrivKey key, ReadOnlySpan<byte> body)
    {
        ArgumentNullException.ThrowIfNull(key);
        Span<byte> digest = stackalloc byte[Keccak256.HashSize];
        Digest(body, digest);
        return RecoverableSignature.Sign(key, digest);
    }

    /// <summary>Recovers the signer's address (lowercase 0x-hex) or returns false for a signature that recovers no key.</summary>
    public static bool TryRecoverSigner(ReadOnlySpan<byte> body, ReadOnlySpan<byte> signature, [NotNullWhen(true)] out string? address)
    {
        Span<byte> bodyHash = stackalloc byte[Keccak256.HashSize];
        Keccak256.Hash(body, bodyHash);
        return TryRecoverSignerOfHash(bodyHash, signature, out address);
    }

    /// <summary>As <see cref="TryRecoverSigner"/>, from an already computed keccak256(body).</summary>
    public static bool TryRecoverSignerOfHash(ReadOnlySpan<byte> bodyHash, ReadOnlySpan<byte> signature, [NotNullWhen(true)] out string? address)
    {
        Span<byte> digest = stackalloc byte[Keccak256.HashSize];
        DigestOfHash(bodyHash, digest);
        return RecoverableSignature.TryRecoverAddress(digest, signature, out address);
    }
}
