using System.Globalization;
using System.Numerics;
using System.Text.Json;
using System.Text.Json.Nodes;
using Nethereum.Hex.HexConvertors.Extensions;

namespace CityFn.Contracts.Tests;

/// <summary>
/// A StandardMerkleTree built by the reference library @openzeppelin/merkle-tree (through
/// contracts/scripts/merkle-tree.js), so these tests do not depend on CityFn's own C# tree.
/// </summary>
internal sealed record ReferenceMerkleTree(byte[] Root, int LeafCount, IReadOnlyList<RewardClaim> Claims)
{
    /// <summary>Builds the tree of <paramref name="leaves"/> for <paramref name="epoch"/> and returns a claim (with proof) per leaf.</summary>
    public static Task<ReferenceMerkleTree> BuildAsync(
        BigInteger epoch, IReadOnlyList<(string Account, BigInteger CumulativeAmount)> leaves, CancellationToken cancellationToken = default) =>
        BuildAsync(epoch, leaves, randomLeaves: 0, cancellationToken);

    /// <summary>
    /// Builds a tree of <paramref name="randomLeaves"/> random leaves plus <paramref name="leaves"/>,
    /// and returns claims for <paramref name="leaves"/> only.
    /// </summary>
    public static async Task<ReferenceMerkleTree> BuildAsync(
        BigInteger epoch, IReadOnlyList<(string Account, BigInteger CumulativeAmount)> leaves, int randomLeaves, CancellationToken cancellationToken = default)
    {
        var input = new JsonObject
        {
            ["values"] = new JsonArray([.. leaves.Select(l => (JsonNode)new JsonArray(l.Account, l.CumulativeAmount.ToString(CultureInfo.InvariantCulture)))]),
            ["proofsFor"] = new JsonArray([.. Enumerable.Range(0, leaves.Count).Select(i => (JsonNode)i)]),
        };
        var inputFile = Path.GetTempFileName();
        try
        {
            await File.WriteAllTextAsync(inputFile, input.ToJsonString(), cancellationToken);
            string[] arguments = randomLeaves > 0
                ? ["--random", randomLeaves.ToString(CultureInfo.InvariantCulture), inputFile]
                : [inputFile];
            var (exitCode, output, error) = await NodeScript.RunAsync("contracts/scripts/merkle-tree.js", arguments, cancellationToken);
            Assert.True(exitCode == 0, $"merkle-tree.js failed ({exitCode}): {error}");
            return Parse(epoch, output);
        }
        finally
        {
            File.Delete(inputFile);
        }
    }

    private static ReferenceMerkleTree Parse(BigInteger epoch, string json)
    {
        using var document = JsonDocument.Parse(json);
        var root = document.RootElement;
        var claims = root.GetProperty("proofs").EnumerateArray()
            .Select(p => new RewardClaim(
                p.GetProperty("account").GetString()!,
                BigInteger.Parse(p.GetProperty("amount").GetString()!, CultureInfo.InvariantCulture),
                epoch,
                [.. p.GetProperty("proof").EnumerateArray().Select(h => h.GetString()!.HexToByteArray())]))
            .ToList();
        return new ReferenceMerkleTree(root.GetProperty("root").GetString()!.HexToByteArray(), root.GetProperty("leafCount").GetInt32(), claims);
    }

    public RewardClaim ClaimOf(string account) =>
        Claims.Single(c => string.Equals(c.Account, account, StringComparison.OrdinalIgnoreCase));
}
