using System.Buffers.Binary;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using CityFn.Core.Ethereum;

namespace CityFn.Core.Merkle;

/// <summary>
/// A Merkle tree byte-compatible with <c>@openzeppelin/merkle-tree</c> 1.0.8 <c>StandardMerkleTree</c>
/// (format <c>standard-v1</c>) for the leaf encoding <c>["address","uint256"]</c>, so OpenZeppelin's
/// <c>MerkleProof.verify</c> accepts its proofs and the JS library loads its dumps.
/// </summary>
/// <remarks>
/// Layout as the library builds it: leaf = keccak256(keccak256(abi.encode(account, amount))); leaves
/// sorted by hash (ties keep input order, as the library's stable sort does); an array of 2n-1 nodes
/// with the sorted leaves placed from the end backwards and node i = hash of the sorted pair
/// (node 2i+1, node 2i+2). That is not a layer-by-layer tree: for sizes that are not a power of two the
/// roots differ. Values keep their input order and remember their tree index.
/// </remarks>
public sealed partial class StandardMerkleTree
{
    /// <summary>Receives one proof as consecutive 32-byte hashes; the span is reused for the next proof.</summary>
    public delegate void ProofVisitor(int valueIndex, ReadOnlySpan<byte> proof);

    private const int HashSize = Keccak256.HashSize;

    // Below this many nodes a level is hashed on one thread: scheduling would cost more than it saves.
    private const int ParallelThreshold = 4096;

    private readonly byte[] _nodes;
    private readonly RewardLeaf[] _values;
    private readonly int[] _treeIndexes;
    private readonly Lazy<Dictionary<EthAddress, int>> _firstIndexByAccount;

    private StandardMerkleTree(byte[] nodes, RewardLeaf[] values, int[] treeIndexes)
    {
        _nodes = nodes;
        _values = values;
        _treeIndexes = treeIndexes;
        _firstIndexByAccount = new Lazy<Dictionary<EthAddress, int>>(IndexAccounts);
    }

    /// <summary>The leaf encoding of every CityFn rewards tree.</summary>
    public static IReadOnlyList<string> LeafEncoding { get; } = ["address", "uint256"];

    public int Count => _values.Length;

    public ReadOnlySpan<byte> Root => _nodes.AsSpan(0, HashSize);

    public string RootHex => ToHex(Root);

    /// <summary>The values in the order they were given.</summary>
    public IReadOnlyList<RewardLeaf> Values => _values;

    /// <summary>Builds the tree. Amounts must be in the uint256 range; there must be at least one value.</summary>
    public static StandardMerkleTree Of(IReadOnlyList<RewardLeaf> values)
    {
        ArgumentNullException.ThrowIfNull(values);
        if (values.Count == 0)
        {
            throw new ArgumentException("A Merkle tree needs at least one value.", nameof(values));
        }

        var leaves = values.ToArray();
        for (var i = 0; i < leaves.Length; i++)
        {
            Uint256.EnsureInRange(leaves[i].Amount, $"values[{i}].Amount");
        }

        var count = leaves.Length;
        var leafHashes = new byte[count * HashSize];
        HashLeaves(leaves, leafHashes);

        // Sort by hash; the value index breaks ties so equal leaves keep input order like the library's stable sort.
        var order = new LeafOrder[count];
        for (var i = 0; i < count; i++)
        {
            order[i] = LeafOrder.From(leafHashes.AsSpan(i * HashSize, HashSize), i);
        }

        Array.Sort(order);

        var nodeCount = (2 * count) - 1;
        var nodes = new byte[nodeCount * HashSize];
        var treeIndexes = new int[count];
        for (var sorted = 0; sorted < count; sorted++)
        {
            var valueIndex = order[sorted].ValueIndex;
            var treeIndex = nodeCount - 1 - sorted;
            treeIndexes[valueIndex] = treeIndex;
            leafHashes.AsSpan(valueIndex * HashSize, HashSize).CopyTo(nodes.AsSpan(treeIndex * HashSize));
        }

        HashInternalNodes(nodes, nodeCount, count);
        return new StandardMerkleTree(nodes, leaves, treeIndexes);
    }

    /// <summary>The tree index (position in the 2n-1 node array) of the value at <paramref name="valueIndex"/>.</summary>
    public int TreeIndexOf(int valueIndex)
    {
        CheckValueIndex(valueIndex);
        return _treeIndexes[valueIndex];
    }

    /// <summary>Index of the first value paying <paramref name="account"/>, or -1.</summary>
    public int IndexOf(EthAddress account) =>
        _firstIndexByAccount.Value.TryGetValue(account, out var index) ? index : -1;

    /// <summary>Number of hashes in the proof of the value at <paramref name="valueIndex"/>.</summary>
    public int ProofLength(int valueIndex)
    {
        CheckValueIndex(valueIndex);
        var length = 0;
        for (var node = _treeIndexes[valueIndex]; node > 0; node = (node - 1) / 2)
        {
            length++;
        }

        return length;
    }

    /// <summary>
    /// Writes the proof of the value at <paramref name="valueIndex"/> as consecutive 32-byte hashes and
    /// returns how many it wrote. Allocation-free: the way to produce many proofs.
    /// </summary>
    public int WriteProof(int valueIndex, Span<byte> destination)
    {
        CheckValueIndex(valueIndex);
        return WriteProofOfNode(_treeIndexes[valueIndex], destination);
    }

    /// <summary>
    /// Produces every proof, in tree order (neighbouring leaves share most of their path, so the nodes stay
    /// in cache), into one reused buffer: no per-proof allocation even for millions of values.
    /// </summary>
    public void ForEachProof(ProofVisitor visitor)
    {
        ArgumentNullException.ThrowIfNull(visitor);
        var valueAtNode = new int[_nodes.Length / HashSize];
        for (var i = 0; i < _treeIndexes.Length; i++)
        {
            valueAtNode[_treeIndexes[i]] = i;
        }

        var buffer = new byte[32 * HashSize];
        for (var node = (_nodes.Length / HashSize) - 1; node >= _values.Length - 1; node--)
        {
            var written = WriteProofOfNode(node, buffer);
            visitor(valueAtNode[node], buffer.AsSpan(0, written * HashSize));
        }
    }

    // The sibling of every node on the way up. A tree of at most 2^31 nodes has paths of at most 31 hashes.
    private int WriteProofOfNode(int treeIndex, Span<byte> destination)
    {
        ref var nodes = ref MemoryMarshal.GetArrayDataReference(_nodes);
        var written = 0;
        for (var node = treeIndex; node > 0; node = (node - 1) / 2)
        {
            var sibling = (node % 2 == 1) ? node + 1 : node - 1;
            var target = destination.Slice(written * HashSize, HashSize);
            Unsafe.WriteUnaligned(ref MemoryMarshal.GetReference(target), Unsafe.ReadUnaligned<Vector256<byte>>(ref Unsafe.Add(ref nodes, sibling * HashSize)));
            written++;
        }

        return written;
    }

    /// <summary>The proof of the value at <paramref name="valueIndex"/> as 0x-hex hashes, as the JS library returns it.</summary>
    public IReadOnlyList<string> GetProof(int valueIndex)
    {
        var buffer = new byte[ProofLength(valueIndex) * HashSize];
        var count = WriteProof(valueIndex, buffer);
        var proof = new string[count];
        for (var i = 0; i < count; i++)
        {
            proof[i] = ToHex(buffer.AsSpan(i * HashSize, HashSize));
        }

        return proof;
    }

    /// <summary>The proof of the first value paying <paramref name="account"/>.</summary>
    public IReadOnlyList<string> GetProof(EthAddress account)
    {
        var index = IndexOf(account);
        return index >= 0
            ? GetProof(index)
            : throw new KeyNotFoundException($"{account} is not in the tree.");
    }

    /// <summary>Whether <paramref name="proof"/> links <paramref name="leaf"/> to <paramref name="root"/> (what MerkleProof.verify checks on-chain).</summary>
    public static bool Verify(string root, RewardLeaf leaf, IReadOnlyList<string> proof)
    {
        ArgumentNullException.ThrowIfNull(root);
        ArgumentNullException.ThrowIfNull(proof);
        var flat = new byte[proof.Count * HashSize];
        for (var i = 0; i < proof.Count; i++)
        {
            if (!TryParseHash(proof[i], flat.AsSpan(i * HashSize, HashSize)))
            {
                return false;
            }
        }

        Span<byte> rootBytes = stackalloc byte[HashSize];
        return TryParseHash(root, rootBytes) && Verify(rootBytes, leaf, flat);
    }

    /// <summary>Verifies a proof given as consecutive 32-byte hashes.</summary>
    public static bool Verify(ReadOnlySpan<byte> root, RewardLeaf leaf, ReadOnlySpan<byte> proof)
    {
        if (root.Length != HashSize || proof.Length % HashSize != 0 || !Uint256.IsInRange(leaf.Amount))
        {
            return false;
        }

        Span<byte> computed = stackalloc byte[HashSize];
        LeafHash(leaf, computed);
        for (var offset = 0; offset < proof.Length; offset += HashSize)
        {
            HashPair(computed, proof.Slice(offset, HashSize), computed);
        }

        return computed.SequenceEqual(root);
    }

    /// <summary>keccak256(keccak256(abi.encode(address, uint256))).</summary>
    public static void LeafHash(RewardLeaf leaf, Span<byte> destination)
    {
        Span<byte> encoded = stackalloc byte[2 * HashSize];
        Encode(leaf, encoded);
        Span<byte> inner = stackalloc byte[HashSize];
        Keccak256.Hash(encoded, inner);
        Keccak256.Hash(inner, destination);
    }

    // abi.encode(address, uint256): the address left-padded to 32 bytes, the amount big-endian in 32 bytes.
    private static void Encode(RewardLeaf leaf, Span<byte> destination)
    {
        destination[..12].Clear();
        leaf.Account.WriteBytes(destination[12..HashSize]);
        Uint256.WriteBigEndian(leaf.Amount, destination[HashSize..]);
    }

    // keccak256 of the two hashes concatenated smaller first (OpenZeppelin's commutative pair hash).
    private static void HashPair(ReadOnlySpan<byte> a, ReadOnlySpan<byte> b, Span<byte> destination)
    {
        Span<byte> pair = stackalloc byte[2 * HashSize];
        var aFirst = a.SequenceCompareTo(b) <= 0;
        (aFirst ? a : b).CopyTo(pair);
        (aFirst ? b : a).CopyTo(pair[HashSize..]);
        Keccak256.Hash(pair, destination);
    }

    // Node i's children are 2i+1 and 2i+2, so the internal nodes of one heap level (indexes 2^d-1 .. 2^(d+1)-2)
    // depend only on the level below: levels go bottom-up, the nodes of a level in parallel.
    private static void HashInternalNodes(byte[] nodes, int nodeCount, int leafCount)
    {
        var lastInternal = nodeCount - leafCount - 1;
        if (lastInternal < 0)
        {
            return;
        }

        var depth = 31 - System.Numerics.BitOperations.LeadingZeroCount((uint)(lastInternal + 1));
        for (; depth >= 0; depth--)
        {
            var first = (1 << depth) - 1;
            var last = Math.Min((1 << (depth + 1)) - 2, lastInternal);
            HashLevel(nodes, first, last);
        }
    }

    // Leaves in groups of four through the 4-way Keccak; the tail (and CPUs without 256-bit vectors) one by one.
    private static void HashLeaves(RewardLeaf[] leaves, byte[] leafHashes)
    {
        var vectorized = Keccak256x4.IsAccelerated;
        ForRange(0, (leaves.Length + 3) / 4, group =>
        {
            var first = group * 4;
            if (vectorized && first + 4 <= leaves.Length)
            {
                Span<byte> encoded = stackalloc byte[4 * 2 * HashSize];
                for (var k = 0; k < 4; k++)
                {
                    Encode(leaves[first + k], encoded.Slice(k * 2 * HashSize, 2 * HashSize));
                }

                Span<byte> inner = stackalloc byte[4 * HashSize];
                Keccak256x4.Hash(encoded, 2 * HashSize, inner);
                Keccak256x4.Hash(inner, HashSize, leafHashes.AsSpan(first * HashSize, 4 * HashSize));
                return;
            }

            for (var i = first; i < Math.Min(first + 4, leaves.Length); i++)
            {
                LeafHash(leaves[i], leafHashes.AsSpan(i * HashSize, HashSize));
            }
        });
    }

    // Nodes first..last of one level; four consecutive nodes have eight consecutive children.
    private static void HashLevel(byte[] nodes, int first, int last)
    {
        var vectorized = Keccak256x4.IsAccelerated;
        ForRange(0, (last - first + 4) / 4, group =>
        {
            var start = first + (group * 4);
            if (vectorized && start + 3 <= last)
            {
                Span<byte> pairs = stackalloc byte[4 * 2 * HashSize];
                for (var k = 0; k < 4; k++)
                {
                    var left = nodes.AsSpan(((2 * (start + k)) + 1) * HashSize, HashSize);
                    var right = nodes.AsSpan(((2 * (start + k)) + 2) * HashSize, HashSize);
                    var leftFirst = left.SequenceCompareTo(right) <= 0;
                    (leftFirst ? left : right).CopyTo(pairs[(k * 2 * HashSize)..]);
                    (leftFirst ? right : left).CopyTo(pairs[((k * 2 * HashSize) + HashSize)..]);
                }

                Keccak256x4.Hash(pairs, 2 * HashSize, nodes.AsSpan(start * HashSize, 4 * HashSize));
                return;
            }

            for (var i = start; i <= Math.Min(start + 3, last); i++)
            {
                HashPair(nodes.AsSpan(((2 * i) + 1) * HashSize, HashSize), nodes.AsSpan(((2 * i) + 2) * HashSize, HashSize), nodes.AsSpan(i * HashSize, HashSize));
            }
        });
    }

    private static void ForRange(int fromInclusive, int toExclusive, Action<int> body)
    {
        if (toExclusive - fromInclusive < ParallelThreshold)
        {
            for (var i = fromInclusive; i < toExclusive; i++)
            {
                body(i);
            }

            return;
        }

        var chunk = Math.Max(ParallelThreshold / 4, (toExclusive - fromInclusive) / (Environment.ProcessorCount * 8));
        Parallel.ForEach(System.Collections.Concurrent.Partitioner.Create(fromInclusive, toExclusive, chunk), range =>
        {
            for (var i = range.Item1; i < range.Item2; i++)
            {
                body(i);
            }
        });
    }

    private Dictionary<EthAddress, int> IndexAccounts()
    {
        var index = new Dictionary<EthAddress, int>(_values.Length);
        for (var i = 0; i < _values.Length; i++)
        {
            index.TryAdd(_values[i].Account, i);
        }

        return index;
    }

    private void CheckValueIndex(int valueIndex) =>
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual((uint)valueIndex, (uint)_values.Length, nameof(valueIndex));

    private static string ToHex(ReadOnlySpan<byte> hash) => "0x" + Convert.ToHexStringLower(hash);

    private static bool TryParseHash(string? hex, Span<byte> destination) =>
        hex is { Length: 2 + (2 * HashSize) } && hex.StartsWith("0x", StringComparison.Ordinal)
        && Convert.FromHexString(hex.AsSpan(2), destination, out _, out var written) == System.Buffers.OperationStatus.Done
        && written == HashSize;

    // Sort key: the hash as four big-endian words (lexicographic byte order), then the input position.
    private readonly record struct LeafOrder(ulong W0, ulong W1, ulong W2, ulong W3, int ValueIndex) : IComparable<LeafOrder>
    {
        public static LeafOrder From(ReadOnlySpan<byte> hash, int valueIndex) => new(
            BinaryPrimitives.ReadUInt64BigEndian(hash),
            BinaryPrimitives.ReadUInt64BigEndian(hash[8..]),
            BinaryPrimitives.ReadUInt64BigEndian(hash[16..]),
            BinaryPrimitives.ReadUInt64BigEndian(hash[24..]),
            valueIndex);

        public int CompareTo(LeafOrder other)
        {
            var c = W0.CompareTo(other.W0);
            if (c == 0)
            {
                c = W1.CompareTo(other.W1);
            }

            if (c == 0)
            {
                c = W2.CompareTo(other.W2);
            }

            if (c == 0)
            {
                c = W3.CompareTo(other.W3);
            }

            return c != 0 ? c : ValueIndex.CompareTo(other.ValueIndex);
        }
    }
}
