using System.Globalization;
using System.Numerics;
using System.Text;
using System.Text.Json;
using CityFn.Core.Ethereum;

namespace CityFn.Core.Merkle;

/// <summary>The <c>standard-v1</c> JSON dump, as <c>JSON.stringify(tree.dump())</c> writes it in the JS library.</summary>
public sealed partial class StandardMerkleTree
{
    public const string Format = "standard-v1";

    /// <summary>
    /// The dump as compact JSON: <c>{"format":"standard-v1","leafEncoding":["address","uint256"],"tree":[…],"values":[{"value":[address,amount],"treeIndex":n}]}</c>.
    /// Addresses are written EIP-55 checksummed and amounts as decimal strings (the JS library writes back
    /// whatever strings it was given; fed the same strings, it writes the same bytes).
    /// </summary>
    public string Dump()
    {
        using var stream = new MemoryStream();
        WriteDump(stream);
        return Encoding.UTF8.GetString(stream.GetBuffer(), 0, (int)stream.Length);
    }

    /// <summary>Writes the dump to <paramref name="utf8Json"/> without building it as a string first.</summary>
    public void WriteDump(Stream utf8Json)
    {
        using var writer = new Utf8JsonWriter(utf8Json);
        writer.WriteStartObject();
        writer.WriteString("format", Format);
        writer.WriteStartArray("leafEncoding");
        foreach (var type in LeafEncoding)
        {
            writer.WriteStringValue(type);
        }

        writer.WriteEndArray();
        writer.WriteStartArray("tree");
        Span<char> hex = stackalloc char[2 + (2 * HashSize)];
        hex[0] = '0';
        hex[1] = 'x';
        for (var offset = 0; offset < _nodes.Length; offset += HashSize)
        {
            Convert.TryToHexStringLower(_nodes.AsSpan(offset, HashSize), hex[2..], out _);
            writer.WriteStringValue(hex);
        }

        writer.WriteEndArray();
        writer.WriteStartArray("values");
        for (var i = 0; i < _values.Length; i++)
        {
            writer.WriteStartObject();
            writer.WriteStartArray("value");
            writer.WriteStringValue(_values[i].Account.ToChecksumString());
            writer.WriteStringValue(_values[i].Amount.ToString(CultureInfo.InvariantCulture));
            writer.WriteEndArray();
            writer.WriteNumber("treeIndex", _treeIndexes[i]);
            writer.WriteEndObject();
        }

        writer.WriteEndArray();
        writer.WriteEndObject();
    }

    /// <summary>
    /// Loads a <c>standard-v1</c> dump (from this class or from the JS library) and checks all of it: the
    /// format, the leaf encoding, every value against its leaf and every node against its children.
    /// </summary>
    /// <exception cref="InvalidDataException">The dump is malformed or inconsistent; the message says where.</exception>
    public static StandardMerkleTree Load(string json)
    {
        ArgumentNullException.ThrowIfNull(json);
        using var document = ParseJson(() => JsonDocument.Parse(json));
        return Load(document.RootElement);
    }

    /// <inheritdoc cref="Load(string)"/>
    public static StandardMerkleTree Load(Stream utf8Json)
    {
        ArgumentNullException.ThrowIfNull(utf8Json);
        using var document = ParseJson(() => JsonDocument.Parse(utf8Json));
        return Load(document.RootElement);
    }

    private static JsonDocument ParseJson(Func<JsonDocument> parse)
    {
        try
        {
            return parse();
        }
        catch (JsonException exception)
        {
            throw new InvalidDataException($"The Merkle tree dump is not valid JSON: {exception.Message}", exception);
        }
    }

    private static StandardMerkleTree Load(JsonElement root)
    {
        if (root.ValueKind != JsonValueKind.Object)
        {
            throw Invalid("it is not a JSON object");
        }

        var format = root.TryGetProperty("format", out var formatElement) && formatElement.ValueKind == JsonValueKind.String
            ? formatElement.GetString()
            : null;
        if (format != Format)
        {
            throw Invalid($"unknown format '{format}', expected '{Format}'");
        }

        if (!root.TryGetProperty("leafEncoding", out var encoding) || encoding.ValueKind != JsonValueKind.Array
            || !encoding.EnumerateArray().Select(e => e.ValueKind == JsonValueKind.String ? e.GetString() : null).SequenceEqual(LeafEncoding))
        {
            var found = root.TryGetProperty("leafEncoding", out var raw) ? raw.GetRawText() : "none";
            throw Invalid($"leaf encoding {found} is not [\"address\",\"uint256\"]");
        }

        var tree = RequireArray(root, "tree");
        var values = RequireArray(root, "values");
        var count = values.GetArrayLength();
        if (count == 0)
        {
            throw Invalid("it has no values");
        }

        var nodeCount = tree.GetArrayLength();
        if (nodeCount != (2 * count) - 1)
        {
            throw Invalid($"{count} values need {(2 * count) - 1} tree nodes, it has {nodeCount}");
        }

        var nodes = new byte[nodeCount * HashSize];
        var position = 0;
        foreach (var node in tree.EnumerateArray())
        {
            if (node.ValueKind != JsonValueKind.String || !TryParseHash(node.GetString(), nodes.AsSpan(position * HashSize, HashSize)))
            {
                throw Invalid($"tree[{position}] is not a 0x-prefixed 32-byte hex hash");
            }

            position++;
        }

        var leaves = new RewardLeaf[count];
        var treeIndexes = new int[count];
        var used = new bool[nodeCount];
        Span<byte> expected = stackalloc byte[HashSize];
        var index = 0;
        foreach (var entry in values.EnumerateArray())
        {
            leaves[index] = ReadValue(entry, index);
            if (entry.ValueKind != JsonValueKind.Object || !entry.TryGetProperty("treeIndex", out var treeIndexElement)
                || !treeIndexElement.TryGetInt32(out var treeIndex) || treeIndex < count - 1 || treeIndex >= nodeCount)
            {
                throw Invalid($"values[{index}].treeIndex is missing or not a leaf position ({count - 1}..{nodeCount - 1})");
            }

            if (used[treeIndex])
            {
                throw Invalid($"values[{index}].treeIndex {treeIndex} is used by another value");
            }

            used[treeIndex] = true;
            LeafHash(leaves[index], expected);
            if (!expected.SequenceEqual(nodes.AsSpan(treeIndex * HashSize, HashSize)))
            {
                throw Invalid($"values[{index}] does not hash to tree[{treeIndex}]: the dump was altered or is corrupt");
            }

            treeIndexes[index] = treeIndex;
            index++;
        }

        for (var i = nodeCount - count - 1; i >= 0; i--)
        {
            HashPair(nodes.AsSpan(((2 * i) + 1) * HashSize, HashSize), nodes.AsSpan(((2 * i) + 2) * HashSize, HashSize), expected);
            if (!expected.SequenceEqual(nodes.AsSpan(i * HashSize, HashSize)))
            {
                throw Invalid($"tree[{i}] is not the hash of tree[{(2 * i) + 1}] and tree[{(2 * i) + 2}]: the dump was altered or is corrupt");
            }
        }

        return new StandardMerkleTree(nodes, leaves, treeIndexes);
    }

    private static RewardLeaf ReadValue(JsonElement entry, int index)
    {
        if (entry.ValueKind != JsonValueKind.Object || !entry.TryGetProperty("value", out var value)
            || value.ValueKind != JsonValueKind.Array || value.GetArrayLength() != 2)
        {
            throw Invalid($"values[{index}].value is not an [address, amount] pair");
        }

        var address = value[0];
        if (address.ValueKind != JsonValueKind.String)
        {
            throw Invalid($"values[{index}]: the address is not a string");
        }

        if (!EthAddress.TryParse(address.GetString(), out var account, out var addressError))
        {
            throw Invalid($"values[{index}]: {addressError}");
        }

        if (!TryReadAmount(value[1], out var amount, out var amountError))
        {
            throw Invalid($"values[{index}]: {amountError}");
        }

        return new RewardLeaf(account, amount);
    }

    /// <summary>Reads an amount written as a JSON integer, a decimal string or a 0x-hex string (all forms the JS library accepts).</summary>
    public static bool TryReadAmount(JsonElement element, out BigInteger amount, [System.Diagnostics.CodeAnalysis.NotNullWhen(false)] out string? error) =>
        element.ValueKind switch
        {
            JsonValueKind.String => Uint256.TryParse(element.GetString(), out amount, out error),
            JsonValueKind.Number => Uint256.TryParse(element.GetRawText(), out amount, out error),
            _ => Fail(element, out amount, out error),
        };

    private static bool Fail(JsonElement element, out BigInteger amount, out string error)
    {
        amount = default;
        error = $"amount {element.GetRawText()} is not a number or a string";
        return false;
    }

    private static JsonElement RequireArray(JsonElement root, string name) =>
        root.TryGetProperty(name, out var element) && element.ValueKind == JsonValueKind.Array
            ? element
            : throw Invalid($"'{name}' is missing or not an array");

    private static InvalidDataException Invalid(string reason) => new($"Invalid {Format} Merkle tree dump: {reason}.");
}
