using System.Globalization;
using System.Numerics;
using CityFn.Contracts;
using CityFn.Core.Ethereum;
using CityFn.Core.Rewards.Settlement;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Nethereum.Signer;

namespace CityFn.Cli.Rewards;

/// <summary>What a claim did: the amount paid is the receiver's token balance change, read before and after.</summary>
public sealed record ClaimResult(
    string Account, string Receiver, long Epoch, string Cumulative, BigInteger Paid, BigInteger BalanceBefore, BigInteger BalanceAfter, string TransactionHash, long GasUsed);

/// <summary>
/// Claims an account's rewards on-chain with the proof of its latest settled epoch (<c>cityfn claim</c> and
/// <c>cityfn demo</c>): <c>claim</c> sent (and its gas paid) by the sender key's account, or <c>claimFor</c> with the
/// account's EIP-712 signature when another receiver is paid. Throws <see cref="ContractRevertedException"/> on a revert.
/// </summary>
internal static class RewardClaimer
{
    public static async Task<ClaimResult> ClaimAsync(
        IServiceProvider services, ContributorRewards rewards, EthECKey accountKey, string senderKeyHex, string? payTo, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(rewards);
        ArgumentNullException.ThrowIfNull(accountKey);
        var epoch = rewards.LatestEpoch ?? throw new InvalidOperationException("No settled epoch to claim against.");
        var account = EthAddress.Parse(accountKey.GetPublicAddress());
        var chain = services.GetRequiredService<IOptions<ChainOptions>>().Value;
        using var client = new ChainClient(chain.RpcUrl, senderKeyHex, chain.ChainId, chain.ClientOptions());
        var reader = await services.GetRequiredService<SettlementChain>().ReaderAsync(cancellationToken);
        var distributor = new RewardDistributorService(client, reader.Contracts);
        var claim = new RewardClaim(
            account.ToChecksumString(), BigInteger.Parse(rewards.Cumulative, CultureInfo.InvariantCulture), epoch,
            [.. rewards.Proof.Select(node => Convert.FromHexString(node.AsSpan(2)))]);
        var paid = payTo ?? account.ToChecksumString();
        var before = await distributor.GetTokenBalanceAsync(paid, cancellationToken);
        var receipt = payTo is null
            ? await distributor.ClaimAsync(claim, cancellationToken)
            : await distributor.ClaimForAsync(
                await distributor.SignClaimAsync(claim, accountKey, payTo, await client.GetLatestBlockTimestampAsync(cancellationToken) + 3_600, cancellationToken),
                cancellationToken);
        var after = await distributor.GetTokenBalanceAsync(paid, cancellationToken);
        return new ClaimResult(
            account.ToChecksumString(), paid, epoch, rewards.Cumulative, after - before, before, after, receipt.TransactionHash, (long)receipt.GasUsed.Value);
    }
}
