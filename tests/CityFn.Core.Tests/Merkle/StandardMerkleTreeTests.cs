using System.Numerics;
using System.Text.Json.Nodes;
using CityFn.Core.Ethereum;
using CityFn.Core.Merkle;

namespace CityFn.Core.Tests.Merkle;

public sealed class StandardMerkleTreeTests(OzReferenceTrees reference) : IClassFixture<OzReferenceTrees>
{
    [Fact]
    public void Every_size_from_1_to_70_has_the_JS_library_root_proofs_and_dump()
    {
        var cases = reference.Cases.Where(c => c.Name.StartsWith("size ", StringComparison.Ordinal) && c.Leaves.Length <= 70).ToList();

        Assert.Equal(70, cases.Count);
        Assert.Empty(cases.SelectMany(Mismatches));
    }

    [Theory]
    [InlineData("size 1000")]
    [InlineData("size 4097")]
    public void Large_trees_have_the_JS_library_root_proofs_and_dump(string name)
    {
        Assert.Empty(Mismatches(reference[name]));
    }

    [Theory]
    [InlineData("same account twice")]
    [InlineData("identical pairs")]
    [InlineData("all identical")]
    public void Duplicate_values_are_placed_and_proved_like_the_JS_library(string name)
    {
        Assert.Empty(Mismatches(reference[name]));
    }

    [Fact]
    public void Loads_a_JS_dump_written_with_lowercase_addresses_hex_and_number_amounts()
    {
        var expected = reference["lowercase and hex amounts"];

        var tree = StandardMerkleTree.Load(expected.Dump);

        Assert.Equal(expected.Root, tree.RootHex);
        Assert.Equal(expected.Leaves, tree.Values);
        Assert.Equal(expected.Proofs, Enumerable.Range(0, tree.Count).Select(i => tree.GetProof(i).ToArray()));
    }

    [Fact]
    public void A_dump_loads_back_to_the_same_tree()
    {
        var tree = StandardMerkleTree.Of(reference["size 37"].Leaves);

        var loaded = StandardMerkleTree.Load(tree.Dump());

        Assert.Equal(tree.RootHex, loaded.RootHex);
        Assert.Equal(tree.Values, loaded.Values);
        Assert.Equal(tree.Dump(), loaded.Dump());
    }

    [Theory]
    [InlineData("amount", "values[3] does not hash to tree[")]
    [InlineData("node", "tree[1] is not the hash of tree[3] and tree[4]")]
    [InlineData("tree index", "values[0] does not hash to tree[")]
    [InlineData("format", "unknown format 'standard-v2'")]
    [InlineData("encoding", "leaf encoding [\"address\",\"uint128\"]")]
    [InlineData("missing node", "5 values need 9 tree nodes, it has 8")]
    public void A_tampered_dump_is_rejected_saying_what_is_wrong(string tampering, string reason)
    {
        var dump = JsonNode.Parse(StandardMerkleTree.Of(reference["size 5"].Leaves).Dump())!;
        switch (tampering)
        {
            case "amount":
                dump["values"]![3]!["value"]![1] = "1000000000000000000000";
                break;
            case "node":
                dump["tree"]![1] = "0x" + new string('a', 64);
                break;
            case "tree index":
                var first = dump["values"]![0]!["treeIndex"]!.GetValue<int>();
                dump["values"]![0]!["treeIndex"] = dump["values"]![1]!["treeIndex"]!.GetValue<int>();
                dump["values"]![1]!["treeIndex"] = first;
                break;
            case "format":
                dump["format"] = "standard-v2";
                break;
            case "encoding":
                dump["leafEncoding"]![1] = "uint128";
                break;
            case "missing node":
                dump["tree"]!.AsArray().RemoveAt(8);
                break;
        }

        var error = Assert.Throws<InvalidDataException>(() => StandardMerkleTree.Load(dump.ToJsonString()));

        Assert.Contains(reason, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Text_that_is_not_JSON_is_rejected_as_such()
    {
        var error = Assert.Throws<InvalidDataException>(() => StandardMerkleTree.Load("{\"format\": "));

        Assert.Contains("not valid JSON", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Verify_accepts_the_proof_and_rejects_a_wrong_amount_another_leafs_proof_or_a_cut_proof()
    {
        var leaves = reference["size 20"].Leaves;
        var tree = StandardMerkleTree.Of(leaves);
        var proof = tree.GetProof(7);

        Assert.True(StandardMerkleTree.Verify(tree.RootHex, leaves[7], proof));
        Assert.False(StandardMerkleTree.Verify(tree.RootHex, leaves[7] with { Amount = leaves[7].Amount + 1 }, proof));
        Assert.False(StandardMerkleTree.Verify(tree.RootHex, leaves[7], tree.GetProof(8)));
        Assert.False(StandardMerkleTree.Verify(tree.RootHex, leaves[7], proof.Take(proof.Count - 1).ToList()));
        Assert.False(StandardMerkleTree.Verify(StandardMerkleTree.Of(leaves[..19]).RootHex, leaves[7], proof));
    }

    [Fact]
    public void The_proof_for_an_account_is_the_proof_of_its_first_value()
    {
        var leaves = reference["same account twice"].Leaves;
        var tree = StandardMerkleTree.Of(leaves);

        Assert.Equal(1, tree.IndexOf(leaves[4].Account));
        Assert.Equal(tree.GetProof(1), tree.GetProof(leaves[1].Account));
        Assert.NotEqual(tree.GetProof(4), tree.GetProof(leaves[4].Account));
        Assert.Throws<KeyNotFoundException>(() => tree.GetProof(EthAddress.Parse("0x000000000000000000000000000000000000dead")));
    }

    [Fact]
    public void Amounts_outside_uint256_and_an_empty_set_are_refused()
    {
        var account = reference["size 1"].Leaves[0].Account;

        var negative = Assert.Throws<ArgumentOutOfRangeException>(() => StandardMerkleTree.Of([new RewardLeaf(account, -1)]));
        var tooLarge = Assert.Throws<ArgumentOutOfRangeException>(() => StandardMerkleTree.Of([new RewardLeaf(account, BigInteger.One << 256)]));
        Assert.Throws<ArgumentException>(() => StandardMerkleTree.Of([]));

        Assert.Contains("negative", negative.Message, StringComparison.Ordinal);
        Assert.Contains("does not fit in a uint256", tooLarge.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void WriteProof_writes_the_same_hashes_as_GetProof()
    {
        var tree = StandardMerkleTree.Of(reference["size 70"].Leaves);
        var buffer = new byte[32 * 32];

        var written = tree.WriteProof(69, buffer);

        Assert.Equal(tree.ProofLength(69), written);
        Assert.Equal(tree.GetProof(69), Enumerable.Range(0, written).Select(i => "0x" + Convert.ToHexStringLower(buffer.AsSpan(i * 32, 32))));
        Assert.True(StandardMerkleTree.Verify(tree.Root, tree.Values[69], buffer.AsSpan(0, written * 32)));
    }

    [Theory]
    [InlineData("size 70")]
    [InlineData("identical pairs")]
    public void ForEachProof_visits_every_value_once_with_its_proof(string name)
    {
        var tree = StandardMerkleTree.Of(reference[name].Leaves);
        var visited = new Dictionary<int, string[]>();

        tree.ForEachProof((valueIndex, proof) =>
        {
            var bytes = proof.ToArray();
            visited.Add(valueIndex, [.. bytes.Chunk(32).Select(hash => "0x" + Convert.ToHexStringLower(hash))]);
        });

        Assert.Equal(reference[name].Proofs, Enumerable.Range(0, tree.Count).Select(i => visited[i]));
    }

    private static IEnumerable<string> Mismatches(ReferenceCase expected)
    {
        var tree = StandardMerkleTree.Of(expected.Leaves);
        if (tree.RootHex != expected.Root)
        {
            yield return $"{expected.Name}: root {tree.RootHex} != {expected.Root}";
        }

        for (var i = 0; i < expected.Leaves.Length; i++)
        {
            if (!tree.GetProof(i).SequenceEqual(expected.Proofs[i]))
            {
                yield return $"{expected.Name}: proof of value {i} differs";
            }
        }

        if (tree.Dump() != expected.Dump)
        {
            yield return $"{expected.Name}: dump differs";
        }
    }
}
