using CityFn.Core.Ethereum;
using System.Buffers.Binary;
using System.Text;

namespace CityFn.Core.Devices;

/// <summary>
/// The EIP-712 typed data an owner and a device both sign to bind the device to the owner's payout wallet:
/// domain EIP712Domain(string name "CityFn", string version "1", uint256 chainId) and message
/// DeviceRegistration(address device,address owner,string kind,int64 latE7,int64 lonE7,string segment,uint256 nonce).
/// Hashing is done here (static types only, a few lines) so verification uses the fast secp256k1 path;
/// tests cross-check the hash and signatures against Nethereum's Eip712TypedDataSigner.
/// </summary>
public static class DeviceRegistrationTypedData
{
    public const string DomainName = "CityFn";
    public const string DomainVersion = "1";
    public const string DomainType = "EIP712Domain(string name,string version,uint256 chainId)";
    public const string MessageType = "DeviceRegistration(address device,address owner,string kind,int64 latE7,int64 lonE7,string segment,uint256 nonce)";

    /// <summary>keccak256(0x19 0x01 || domainSeparator || hashStruct(message)): what is signed.</summary>
    public static byte[] Digest(DeviceRegistrationRequest request, long chainId)
    {
        ArgumentNullException.ThrowIfNull(request);
        var domain = Keccak256.Hash(Concat(
            Keccak256.Hash(Encoding.UTF8.GetBytes(DomainType)),
            Keccak256.Hash(Encoding.UTF8.GetBytes(DomainName)),
            Keccak256.Hash(Encoding.UTF8.GetBytes(DomainVersion)),
            Int(chainId)));
        var message = Keccak256.Hash(Concat(
            Keccak256.Hash(Encoding.UTF8.GetBytes(MessageType)),
            Address(request.Device),
            Address(request.Owner),
            Keccak256.Hash(Encoding.UTF8.GetBytes(request.Kind)),
            Int(request.LatE7),
            Int(request.LonE7),
            Keccak256.Hash(Encoding.UTF8.GetBytes(request.Segment ?? "")),
            Int(request.Nonce)));
        return Keccak256.Hash(Concat([0x19, 0x01], domain, message));
    }

    private static byte[] Address(string address)
    {
        var word = new byte[32];
        Convert.FromHexString(address.AsSpan(2)).CopyTo(word, 12);
        return word;
    }

    /// <summary>A signed 64-bit value as a 32-byte two's complement ABI word.</summary>
    private static byte[] Int(long value)
    {
        var word = new byte[32];
        if (value < 0)
        {
            word.AsSpan().Fill(0xFF);
        }

        BinaryPrimitives.WriteInt64BigEndian(word.AsSpan(24), value);
        return word;
    }

    private static byte[] Concat(params byte[][] parts) => [.. parts.SelectMany(p => p)];
}
