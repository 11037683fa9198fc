using System.Globalization;
using System.Numerics;
using System.Text.Json.Serialization;
using CityFn.Contracts;
using CityFn.Core.Ethereum;
using CityFn.Core.Merkle;

namespace CityFn.Core.Rewards.Settlement;

/// <summary>
/// GET /api/rewards/{address}: the account's cumulative amount in the latest confirmed epoch's tree, what it
/// already claimed on-chain, what it can claim now, and the proof to claim it with. Amounts are base units as
/// decimal strings; <see cref="Proof"/> is empty when there is nothing in the tree for the account.
/// </summary>
public sealed record ContributorRewards(
    string Account,
    long? LatestEpoch,
    string? Root,
    string Cumulative,
    string ClaimedOnChain,
    string Claimable,
    IReadOnlyList<string> Proof);

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase)]
[JsonSerializable(typeof(ContributorRewards))]
public sealed partial class ContributorRewardsJsonContext : JsonSerializerContext;

/// <summary>Answers <see cref="ContributorRewards"/> from the settlement state, the stored trees and the contract.</summary>
public sealed class ContributorRewardsService(SettlementStore store, SettlementChain chain)
{
    private readonly Lock _cacheLock = new();
    private (long Epoch, StandardMerkleTree Tree)? _cached;

    public async Task<ContributorRewards> GetAsync(EthAddress account, CancellationToken cancellationToken = default)
    {
        var distributor = await chain.ReaderAsync(cancellationToken);
        var claimed = await distributor.GetClaimedAsync(account.ToChecksumString(), cancellationToken);
        var latest = await LatestConfirmedAsync(distributor, cancellationToken);
        if (latest is null)
        {
            return new ContributorRewards(account.ToLowerHex(), null, null, "0", Text(claimed), "0", []);
        }

        var tree = await TreeAsync(latest.Epoch, cancellationToken);
        var index = tree.IndexOf(account);
        if (index < 0)
        {
            return new ContributorRewards(account.ToLowerHex(), latest.Epoch, tree.RootHex, "0", Text(claimed), "0", []);
        }

        var cumulative = tree.Values[index].Amount;
        var proof = new byte[tree.ProofLength(index) * 32];
        tree.WriteProof(index, proof);
        var claimable = BigInteger.Max(BigInteger.Zero, cumulative - claimed);
        return new ContributorRewards(
            account.ToLowerHex(), latest.Epoch, tree.RootHex, Text(cumulative), Text(claimed), Text(claimable),
            [.. proof.Chunk(32).Select(node => "0x" + Convert.ToHexStringLower(node))]);
    }

    // The distributor's last published epoch, or the one before while the last still awaits its confirmations.
    private async Task<SettlementState?> LatestConfirmedAsync(RewardDistributorService distributor, CancellationToken cancellationToken)
    {
        var current = (long)await distributor.GetCurrentEpochAsync(cancellationToken);
        for (var epoch = current; epoch > 0 && epoch >= current - 1; epoch--)
        {
            if (await store.GetAsync(epoch, cancellationToken) is { Status: SettlementStatus.Confirmed } state)
            {
                return state;
            }
        }

        return null;
    }

    // The latest tree is read once per epoch (100k accounts: ~20 MB of JSON, every node re-hashed on load).
    private async Task<StandardMerkleTree> TreeAsync(long epoch, CancellationToken cancellationToken)
    {
        lock (_cacheLock)
        {
            if (_cached is { } cached && cached.Epoch == epoch)
            {
                return cached.Tree;
            }
        }

        var tree = await store.ReadTreeAsync(epoch, cancellationToken)
            ?? throw new InvalidOperationException($"Epoch {epoch} is confirmed but its tree is missing from Blob.");
        lock (_cacheLock)
        {
            _cached = (epoch, tree);
        }

        return tree;
    }

    private static string Text(BigInteger value) => value.ToString(CultureInfo.InvariantCulture);
}
