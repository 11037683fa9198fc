using CityFn.Core.Ethereum;
using NBitcoin.Secp256k1;

namespace CityFn.Core.Ingest;

/// <summary>
/// A device's secp256k1 key, for the simulator, the CLI and tests. Production devices hold their own
/// keys; nothing here persists or prints the secret.
/// </summary>
public sealed class DeviceKey
{
    private readonly ECPrivKey _key;

    private DeviceKey(ECPrivKey key)
    {
        _key = key;
        Address = RecoverableSignature.AddressOf(key.CreatePubKey());
    }

    public string Address { get; }

    public static DeviceKey FromBytes(ReadOnlySpan<byte> secret)
    {
        if (secret.Length != 32 || !ECPrivKey.TryCreate(secret, out var key))
        {
            throw new ArgumentException("A device key is 32 bytes in the secp256k1 scalar range.", nameof(secret));
        }

        return new DeviceKey(key);
    }

    /// <summary>A key derived as keccak256(UTF-8 seed): for documented examples and reproducible simulations only.</summary>
    public static DeviceKey FromSeedPhrase(string seed)
    {
        ArgumentNullException.ThrowIfNull(seed);
        return FromBytes(Keccak256.Hash(System.Text.Encoding.UTF8.GetBytes(seed)));
    }

    public static DeviceKey Generate() => FromBytes(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32));

    /// <summary>The 65-byte signature a device puts, hex-encoded, in the event's <c>sig</c> property.</summary>
    public byte[] Sign(ReadOnlySpan<byte> body) => MessageSignature.Sign(_key, body);
}
