using System.Globalization;
using System.Numerics;
using System.Text.Json;
using System.Text.Json.Nodes;
using CityFn.Core.Ethereum;
using CityFn.Core.Merkle;
using CityFn.LocalDev;

namespace CityFn.Core.Tests.Merkle;

/// <summary>
/// Value sets built by the pinned @openzeppelin/merkle-tree in ONE node process per test class: every
/// size from 1 to 70, larger sizes, duplicates, and inputs written the ways other tools write them.
/// </summary>
public sealed class OzReferenceTrees : IAsyncLifetime
{
    private readonly List<ReferenceCase> _cases = [];

    public IReadOnlyList<ReferenceCase> Cases => _cases;

    public ReferenceCase this[string name] => _cases.Single(c => c.Name == name);

    public async Task InitializeAsync()
    {
        var random = new Random(20261125);
        var sets = new List<(string Name, JsonArray Input, RewardLeaf[] Leaves)>();
        for (var size = 1; size <= 70; size++)
        {
            sets.Add(Canonical($"size {size}", RandomLeaves(random, size)));
        }

        sets.Add(Canonical("size 1000", RandomLeaves(random, 1000)));
        sets.Add(Canonical("size 4097", RandomLeaves(random, 4097)));

        var twice = RandomLeaves(random, 6);
        twice[1] = twice[1] with { Amount = 5_000 };
        twice[4] = new RewardLeaf(twice[1].Account, 7_000);
        sets.Add(Canonical("same account twice", twice));
        var identical = RandomLeaves(random, 7);
        identical[2] = identical[5];
        identical[6] = identical[5];
        sets.Add(Canonical("identical pairs", identical));
        var one = RandomLeaves(random, 1)[0];
        sets.Add(Canonical("all identical", [one, one, one, one, one]));
        sets.Add(OtherNotation("lowercase and hex amounts", RandomLeaves(random, 9)));

        var directory = Directory.CreateTempSubdirectory("cityfn-oz-merkle-");
        try
        {
            var input = Path.Combine(directory.FullName, "in.json");
            var output = Path.Combine(directory.FullName, "out.json");
            await File.WriteAllTextAsync(input, new JsonArray([.. sets.Select(s => (JsonNode)s.Input)]).ToJsonString());
            await OzMerkleTreeScript.RunAsync(RepositoryRoot.Find(), "compare", input, output);
            using var results = JsonDocument.Parse(await File.ReadAllTextAsync(output));
            var index = 0;
            foreach (var result in results.RootElement.EnumerateArray())
            {
                var (name, _, leaves) = sets[index++];
                _cases.Add(new ReferenceCase(
                    name,
                    leaves,
                    result.GetProperty("root").GetString()!,
                    result.GetProperty("dump").GetString()!,
                    [.. result.GetProperty("proofs").EnumerateArray().Select(p => p.EnumerateArray().Select(h => h.GetString()!).ToArray())]));
            }
        }
        finally
        {
            directory.Delete(recursive: true);
        }
    }

    public Task DisposeAsync() => Task.CompletedTask;

    public static RewardLeaf[] RandomLeaves(Random random, int count)
    {
        var leaves = new RewardLeaf[count];
        Span<byte> address = stackalloc byte[EthAddress.Size];
        for (var i = 0; i < count; i++)
        {
            random.NextBytes(address);
            leaves[i] = new RewardLeaf(EthAddress.FromBytes(address), RandomAmount(random));
        }

        return leaves;
    }

    // Zero, the maximum, token-sized amounts and full-width 256-bit values: every byte of the encoding matters.
    private static BigInteger RandomAmount(Random random) => random.Next(6) switch
    {
        0 => BigInteger.Zero,
        1 => Uint256.MaxValue,
        2 => new BigInteger(random.NextInt64(1, long.MaxValue)),
        3 => new BigInteger(random.Next(1, 1_000_000)) * BigInteger.Pow(10, 18),
        _ => new BigInteger(RandomBytes(random, 32), isUnsigned: true, isBigEndian: true),
    };

    private static byte[] RandomBytes(Random random, int count)
    {
        var bytes = new byte[count];
        random.NextBytes(bytes);
        return bytes;
    }

    // As StandardMerkleTree.Dump writes values: checksummed address, decimal amount.
    private static (string, JsonArray, RewardLeaf[]) Canonical(string name, RewardLeaf[] leaves) =>
        (name, new JsonArray([.. leaves.Select(l => (JsonNode)new JsonArray(l.Account.ToChecksumString(), l.Amount.ToString(CultureInfo.InvariantCulture)))]), leaves);

    // As other tools write them: lowercase addresses, hex strings and plain JSON numbers for amounts.
    private static (string, JsonArray, RewardLeaf[]) OtherNotation(string name, RewardLeaf[] leaves)
    {
        leaves[0] = leaves[0] with { Amount = 12345 };
        var input = new JsonArray([.. leaves.Select((l, i) => (JsonNode)new JsonArray(
            l.Account.ToLowerHex(),
            i == 0 ? JsonValue.Create(12345) : JsonValue.Create("0x" + l.Amount.ToString("x", CultureInfo.InvariantCulture).TrimStart('0').PadLeft(1, '0'))))]);
        return (name, input, leaves);
    }
}

/// <summary>What the JS library produced for one value set.</summary>
public sealed record ReferenceCase(string Name, RewardLeaf[] Leaves, string Root, string Dump, string[][] Proofs)
{
    public override string ToString() => Name;
}
