using System.Buffers.Binary;
using System.Diagnostics.CodeAnalysis;

namespace CityFn.Core.Ethereum;

/// <summary>
/// A 20-byte account address. Parses 0x-prefixed hex in lowercase, uppercase or EIP-55 mixed case
/// (mixed case must carry a correct checksum, as wallets and ethers require, so a typo is caught);
/// prints the EIP-55 checksummed form. Orders by its bytes, which is also the order of the lowercase hex.
/// </summary>
public readonly struct EthAddress : IEquatable<EthAddress>, IComparable<EthAddress>
{
    public const int Size = 20;

    // Big-endian chunks of the 20 bytes: comparing them in order compares the bytes lexicographically.
    private readonly ulong _high;
    private readonly ulong _middle;
    private readonly uint _low;

    private EthAddress(ulong high, ulong middle, uint low)
    {
        _high = high;
        _middle = middle;
        _low = low;
    }

    public static EthAddress Zero => default;

    public static EthAddress FromBytes(ReadOnlySpan<byte> bytes)
    {
        if (bytes.Length != Size)
        {
            throw new ArgumentException($"An address has {Size} bytes, not {bytes.Length}.", nameof(bytes));
        }

        return new EthAddress(
            BinaryPrimitives.ReadUInt64BigEndian(bytes),
            BinaryPrimitives.ReadUInt64BigEndian(bytes[8..]),
            BinaryPrimitives.ReadUInt32BigEndian(bytes[16..]));
    }

    /// <summary>Parses an address or throws a <see cref="FormatException"/> that says what is wrong with it.</summary>
    public static EthAddress Parse(string text) =>
        TryParse(text, out var address, out var error) ? address : throw new FormatException(error);

    public static bool TryParse([NotNullWhen(true)] string? text, out EthAddress address) =>
        TryParse(text, out address, out _);

    public static bool TryParse(string? text, out EthAddress address, [NotNullWhen(false)] out string? error)
    {
        address = default;
        if (text is null || text.Length != 2 + (Size * 2) || text[0] != '0' || (text[1] != 'x' && text[1] != 'X'))
        {
            error = $"'{text}' is not an address: expected 0x followed by {Size * 2} hex digits.";
            return false;
        }

        Span<byte> bytes = stackalloc byte[Size];
        if (Convert.FromHexString(text.AsSpan(2), bytes, out _, out var written) != System.Buffers.OperationStatus.Done || written != Size)
        {
            error = $"'{text}' is not an address: it contains characters that are not hex digits.";
            return false;
        }

        address = FromBytes(bytes);
        var digits = text.AsSpan(2);
        var mixedCase = digits.ContainsAnyInRange('a', 'f') && digits.ContainsAnyInRange('A', 'F');
        if (mixedCase && !digits.SequenceEqual(address.ToChecksumString().AsSpan(2)))
        {
            error = $"'{text}' has an invalid EIP-55 checksum (mixed case that does not match): check for a typo, or write it in lowercase.";
            address = default;
            return false;
        }

        error = null;
        return true;
    }

    public void WriteBytes(Span<byte> destination)
    {
        BinaryPrimitives.WriteUInt64BigEndian(destination, _high);
        BinaryPrimitives.WriteUInt64BigEndian(destination[8..], _middle);
        BinaryPrimitives.WriteUInt32BigEndian(destination[16..], _low);
    }

    public byte[] ToBytes()
    {
        var bytes = new byte[Size];
        WriteBytes(bytes);
        return bytes;
    }

    /// <summary>0x and 40 lowercase hex digits.</summary>
    public string ToLowerHex()
    {
        Span<byte> bytes = stackalloc byte[Size];
        WriteBytes(bytes);
        return "0x" + Convert.ToHexStringLower(bytes);
    }

    /// <summary>EIP-55: a hex letter is uppercase when the matching nibble of keccak256(lowercase hex) is 8 or more.</summary>
    public string ToChecksumString()
    {
        Span<byte> bytes = stackalloc byte[Size];
        WriteBytes(bytes);
        Span<char> hex = stackalloc char[Size * 2];
        Convert.TryToHexStringLower(bytes, hex, out _);
        Span<byte> ascii = stackalloc byte[Size * 2];
        for (var i = 0; i < hex.Length; i++)
        {
            ascii[i] = (byte)hex[i];
        }

        Span<byte> hash = stackalloc byte[Keccak256.HashSize];
        Keccak256.Hash(ascii, hash);
        for (var i = 0; i < hex.Length; i++)
        {
            var nibble = (i % 2 == 0) ? hash[i / 2] >> 4 : hash[i / 2] & 0x0f;
            if (hex[i] >= 'a' && nibble >= 8)
            {
                hex[i] = char.ToUpperInvariant(hex[i]);
            }
        }

        return string.Concat("0x", hex);
    }

    public override string ToString() => ToChecksumString();

    public bool Equals(EthAddress other) => _high == other._high && _middle == other._middle && _low == other._low;

    public override bool Equals(object? obj) => obj is EthAddress other && Equals(other);

    public override int GetHashCode() => HashCode.Combine(_high, _middle, _low);

    public int CompareTo(EthAddress other)
    {
        var byHigh = _high.CompareTo(other._high);
        if (byHigh != 0)
        {
            return byHigh;
        }

        var byMiddle = _middle.CompareTo(other._middle);
        return byMiddle != 0 ? byMiddle : _low.CompareTo(other._low);
    }

    public static bool operator ==(EthAddress left, EthAddress right) => left.Equals(right);

    public static bool operator !=(EthAddress left, EthAddress right) => !left.Equals(right);

    public static bool operator <(EthAddress left, EthAddress right) => left.CompareTo(right) < 0;

    public static bool operator >(EthAddress left, EthAddress right) => left.CompareTo(right) > 0;

    public static bool operator <=(EthAddress left, EthAddress right) => left.CompareTo(right) <= 0;

    public static bool operator >=(EthAddress left, EthAddress right) => left.CompareTo(right) >= 0;
}
