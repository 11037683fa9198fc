using System.Diagnostics.CodeAnalysis;
using System.Security.Cryptography;
using NBitcoin.Secp256k1;

namespace CityFn.Core.Ethereum;

/// <summary>
/// Ethereum-style recoverable secp256k1 signatures over a 32-byte digest: r (32) ‖ s (32) ‖ v (1),
/// v = 27 + recovery id, as ecrecover accepts them. One implementation for device messages, device
/// registrations and edge-host responses; NBitcoin.Secp256k1 because recovery runs once per message
/// on the ingest hot path (several times faster than Nethereum's BouncyCastle path).
/// </summary>
public static class RecoverableSignature
{
    public const int Length = 65;

    public static byte[] Sign(ECPrivKey key, ReadOnlySpan<byte> digest)
    {
        ArgumentNullException.ThrowIfNull(key);
        if (digest.Length != Keccak256.HashSize)
        {
            throw new ArgumentException("A digest is 32 bytes.", nameof(digest));
        }

        if (!key.TrySignRecoverable(digest, out var recoverable) || recoverable is null)
        {
            throw new CryptographicException("secp256k1 signing failed.");
        }

        var signature = new byte[Length];
        recoverable.WriteToSpanCompact(signature.AsSpan(0, 64), out var recoveryId);
        signature[64] = (byte)(27 + recoveryId);
        return signature;
    }

    /// <summary>The lowercase 0x address that signed <paramref name="digest"/>; false when the signature is malformed or recovers no key.</summary>
    public static bool TryRecoverAddress(ReadOnlySpan<byte> digest, ReadOnlySpan<byte> signature, [NotNullWhen(true)] out string? address)
    {
        address = null;
        if (digest.Length != Keccak256.HashSize || signature.Length != Length)
        {
            return false;
        }

        var v = signature[64];
        var recoveryId = v >= 27 ? v - 27 : v;
        if (recoveryId is < 0 or > 1
            || !SecpRecoverableECDSASignature.TryCreateFromCompact(signature[..64], recoveryId, out var recoverable)
            || !ECPubKey.TryRecover(Context.Instance, recoverable, digest, out var publicKey))
        {
            return false;
        }

        address = AddressOf(publicKey);
        return true;
    }

    /// <summary>The lowercase 0x address of a public key: the last 20 bytes of keccak256 of its uncompressed form.</summary>
    public static string AddressOf(ECPubKey publicKey)
    {
        ArgumentNullException.ThrowIfNull(publicKey);
        Span<byte> uncompressed = stackalloc byte[65];
        publicKey.WriteToSpan(compressed: false, uncompressed, out _);
        Span<byte> hash = stackalloc byte[Keccak256.HashSize];
        Keccak256.Hash(uncompressed[1..], hash);
        return "0x" + Convert.ToHexStringLower(hash[12..]);
    }
}
