using CityFn.Core.Ethereum;
using System.Security.Cryptography;
using NBitcoin.Secp256k1;

namespace CityFn.Core.EdgeHosts;

/// <summary>
/// An edge host operator's secp256k1 key. Signatures are Ethereum-style recoverable signatures over a
/// 32-byte digest: 65 bytes r ‖ s ‖ v with v = 27 + recovery id and s in the lower half of the order.
/// Signing and recovery use NBitcoin.Secp256k1 (managed libsecp256k1), fast enough for every response.
/// </summary>
public sealed class OperatorKey
{
    public const int SignatureLength = RecoverableSignature.Length;

    private readonly ECPrivKey _key;

    private OperatorKey(ECPrivKey key)
    {
        _key = key;
        Address = RecoverableSignature.AddressOf(key.CreatePubKey());
    }

    /// <summary>The checksum-free lowercase 0x address derived from the public key.</summary>
    public string Address { get; }

    public static OperatorKey Generate()
    {
        Span<byte> secret = stackalloc byte[32];
        while (true)
        {
            RandomNumberGenerator.Fill(secret);
            if (ECPrivKey.TryCreate(secret, out var key))
            {
                secret.Clear();
                return new OperatorKey(key);
            }
        }
    }

    /// <summary>Reads a 32-byte private key written as hex, with or without 0x.</summary>
    public static OperatorKey FromHex(string privateKeyHex)
    {
        ArgumentNullException.ThrowIfNull(privateKeyHex);
        var hex = privateKeyHex.Trim();
        if (hex.StartsWith("0x", StringComparison.OrdinalIgnoreCase))
        {
            hex = hex[2..];
        }

        byte[] secret;
        try
        {
            secret = Convert.FromHexString(hex);
        }
        catch (FormatException)
        {
            throw new FormatException("The operator key is not hex: expected 64 hex digits (32 bytes), optionally with 0x.");
        }

        if (secret.Length != 32 || !ECPrivKey.TryCreate(secret, out var key))
        {
            throw new FormatException("The operator key is not a valid secp256k1 private key: expected 64 hex digits (32 bytes).");
        }

        Array.Clear(secret);
        return new OperatorKey(key);
    }

    /// <summary>The private key as 0x hex, for writing a key file the operator keeps.</summary>
    public string ToHex()
    {
        Span<byte> secret = stackalloc byte[32];
        _key.WriteToSpan(secret);
        var hex = "0x" + Convert.ToHexStringLower(secret);
        secret.Clear();
        return hex;
    }

    public byte[] SignDigest(ReadOnlySpan<byte> digest) => RecoverableSignature.Sign(_key, digest);

    /// <summary>The address that signed <paramref name="digest"/>, or null when the signature is malformed or does not recover.</summary>
    public static string? TryRecoverAddress(ReadOnlySpan<byte> digest, ReadOnlySpan<byte> signature) =>
        RecoverableSignature.TryRecoverAddress(digest, signature, out var address) ? address : null;

    /// <summary>Parses 0x-hex signature text; null when it is not 65 bytes of hex.</summary>
    public static byte[]? TryParseSignature(string? signatureHex)
    {
        if (signatureHex is null)
        {
            return null;
        }

        var hex = signatureHex.StartsWith("0x", StringComparison.OrdinalIgnoreCase) ? signatureHex[2..] : signatureHex;
        if (hex.Length != SignatureLength * 2)
        {
            return null;
        }

        try
        {
            return Convert.FromHexString(hex);
        }
        catch (FormatException)
        {
            return null;
        }
    }
}
