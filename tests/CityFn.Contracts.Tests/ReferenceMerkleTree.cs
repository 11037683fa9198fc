using System.Globalization;
using System.Numerics;
using System.Text.Json;
using Nethereum.Hex.HexConvertors.Extensions;

namespace CityFn.Contracts.Tests;

/// <summary>
/// A StandardMerkleTree built by the reference library @openzeppelin/merkle-tree (see
/// <see cref="ReferenceTreeServer"/>), so these tests do not depend on CityFn's own C# tree.
/// </summary>
internal sealed record ReferenceMerkleTree(byte[] Root, int LeafCount, IReadOnlyList<RewardClaim> Claims)
{
    public static ReferenceMerkleTree Parse(BigInteger epoch, string json)
    {
        using var document = JsonDocument.Parse(json);
        var root = document.RootElement;
        if (root.TryGetProperty("error", out var error))
        {
            throw new InvalidOperationException($"merkle-tree.js: {error.GetString()}");
        }

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
