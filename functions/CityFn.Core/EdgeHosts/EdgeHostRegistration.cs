using CityFn.Core.Ethereum;
using System.Buffers;
using System.Buffers.Binary;
using System.Text;
using System.Text.Json.Serialization;

namespace CityFn.Core.EdgeHosts;

/// <summary>
/// What an edge host declares when it registers or heartbeats: its operator address, the URL where it
/// serves the Open Inference Protocol, the models it serves, how many requests it queues (capacity), and
/// the unix time of the message. Signed as EIP-712 typed data (see <see cref="Digest"/>).
/// </summary>
public sealed record EdgeHostRegistration(
    [property: JsonPropertyName("host")] string Host,
    [property: JsonPropertyName("url")] string Url,
    [property: JsonPropertyName("models")] IReadOnlyList<string> Models,
    [property: JsonPropertyName("capacity")] long Capacity,
    [property: JsonPropertyName("timestamp")] long Timestamp)
{
    public const string DomainName = "CityFn Edge Registry";
    public const string DomainVersion = "1";
    public const string DomainType = "EIP712Domain(string name,string version)";
    public const string MessageType = "EdgeHostRegistration(address host,string url,string[] models,uint256 capacity,uint256 timestamp)";

    /// <summary>
    /// The EIP-712 digest <c>keccak256(0x19 0x01 ‖ domainSeparator ‖ hashStruct(message))</c>; the same
    /// digest <c>eth_signTypedData_v4</c> produces for these types, so wallets and other tools can sign it.
    /// </summary>
    public byte[] Digest()
    {
        var domainSeparator = Keccak256.HashConcatenation(
            Keccak256.Hash(Encoding.UTF8.GetBytes(DomainType)),
            Keccak256.Hash(Encoding.UTF8.GetBytes(DomainName)),
            Keccak256.Hash(Encoding.UTF8.GetBytes(DomainVersion)));
        var modelHashes = Models.Select(model => Keccak256.Hash(Encoding.UTF8.GetBytes(model))).ToArray();
        var structHash = Keccak256.HashConcatenation(
            Keccak256.Hash(Encoding.UTF8.GetBytes(MessageType)),
            AddressWord(Host),
            Keccak256.Hash(Encoding.UTF8.GetBytes(Url)),
            Keccak256.HashConcatenation(modelHashes),
            UintWord(Capacity),
            UintWord(Timestamp));
        return Keccak256.HashConcatenation([0x19, 0x01], domainSeparator, structHash);
    }

    public SignedEdgeHostRegistration Sign(OperatorKey key)
    {
        ArgumentNullException.ThrowIfNull(key);
        return new SignedEdgeHostRegistration(this, "0x" + Convert.ToHexStringLower(key.SignDigest(Digest())));
    }

    /// <summary>True when <paramref name="address"/> is 0x followed by 40 hex digits.</summary>
    public static bool IsAddress(string? address) =>
        address is { Length: 42 } && address.StartsWith("0x", StringComparison.Ordinal) && address.AsSpan(2).ContainsAnyExcept(HexDigits) is false;

    private static readonly SearchValues<char> HexDigits =
        SearchValues.Create("0123456789abcdefABCDEF");

    private static byte[] AddressWord(string address)
    {
        if (!IsAddress(address))
        {
            throw new FormatException("The host address must be 0x followed by 40 hex digits.");
        }

        var word = new byte[32];
        Convert.FromHexString(address.AsSpan(2)).CopyTo(word, 12);
        return word;
    }

    private static byte[] UintWord(long value)
    {
        if (value < 0)
        {
            throw new FormatException("uint256 fields cannot be negative.");
        }

        var word = new byte[32];
        BinaryPrimitives.WriteUInt64BigEndian(word.AsSpan(24), (ulong)value);
        return word;
    }
}

/// <summary>The body of <c>POST /api/edge-hosts</c>: the registration and its 65-byte 0x-hex signature.</summary>
public sealed record SignedEdgeHostRegistration(
    [property: JsonPropertyName("registration")] EdgeHostRegistration Registration,
    [property: JsonPropertyName("signature")] string Signature);
