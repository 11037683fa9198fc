using System.Globalization;
using System.Numerics;
using System.Text;
using CityFn.Core.Ethereum;

namespace CityFn.Cli.Simulate;

/// <summary>
/// Keys of simulated devices and owners, derived from the seed so a simulation is reproducible and its keys
/// never have to be stored: secret = 1 + (keccak256(UTF-8 "cityfn-sim:{role}:{seed}:{index}") mod (n − 1)),
/// role "device" or "owner", seed and index in decimal, n the secp256k1 group order. Anyone who knows the seed
/// can sign as these devices: for simulations only, never for real devices or funds.
/// </summary>
internal static class SimulationKeys
{
    private static readonly BigInteger GroupOrder = BigInteger.Parse(
        "0FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFEBAAEDCE6AF48A03BBFD25E8CD0364141", NumberStyles.HexNumber, CultureInfo.InvariantCulture);

    public static byte[] DeviceSecret(int seed, int index) => Secret("device", seed, index);

    public static byte[] OwnerSecret(int seed, int index) => Secret("owner", seed, index);

    public static byte[] Secret(string role, int seed, int index)
    {
        var preimage = string.Create(CultureInfo.InvariantCulture, $"cityfn-sim:{role}:{seed}:{index}");
        var hash = Keccak256.Hash(Encoding.UTF8.GetBytes(preimage));
        var value = BigInteger.One + (new BigInteger(hash, isUnsigned: true, isBigEndian: true) % (GroupOrder - BigInteger.One));
        var secret = new byte[32];
        value.TryWriteBytes(secret.AsSpan(32 - value.GetByteCount(isUnsigned: true)), out _, isUnsigned: true, isBigEndian: true);
        return secret;
    }
}
