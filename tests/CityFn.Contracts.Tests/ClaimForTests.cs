using System.Numerics;
using CityFn.Contracts.RewardDistributor;
using CityFn.TestSupport;
using Nethereum.Contracts;
using Nethereum.Signer;

namespace CityFn.Contracts.Tests;

/// <summary>claimFor: a relayer submits a claim the account signed (EIP-712), paid to the receiver the account chose.</summary>
[Collection(LocalChainCollection.Name)]
public sealed class ClaimForTests(LocalChainFixture fixture, ReferenceTreeServer trees)
{
    private static readonly BigInteger Token = RewardTestBed.Token;

    [Fact]
    public async Task A_signed_claim_submitted_by_a_relayer_pays_the_receiver_and_uses_up_the_nonce()
    {
        var (bed, tree, aliceKey) = await PublishedEpochAsync();
        using var _ = bed;
        var alice = aliceKey.GetPublicAddress();
        var receiver = RewardTestBed.NewAccount().GetPublicAddress();
        using var relayer = RewardTestBed.ClientFor(fixture.Chain, keyIndex: 2);
        var signed = await bed.Service.SignClaimAsync(tree.ClaimOf(alice), aliceKey, receiver, await DeadlineAsync(bed));

        var receipt = await bed.ServiceFor(relayer).ClaimForAsync(signed);

        Assert.Equal(70 * Token, await bed.Service.GetTokenBalanceAsync(receiver));
        Assert.Equal(BigInteger.Zero, await bed.Service.GetTokenBalanceAsync(alice));
        Assert.Equal(70 * Token, await bed.Service.GetClaimedAsync(alice));
        Assert.Equal(BigInteger.One, await bed.Service.GetNonceAsync(alice));
        var claimed = Assert.Single(receipt.DecodeAllEvents<ClaimedEventDTO>()).Event;
        Assert.Equal(alice, claimed.Account, StringComparer.OrdinalIgnoreCase);
        Assert.Equal(receiver, claimed.Receiver, StringComparer.OrdinalIgnoreCase);
        Assert.Equal(70 * Token, claimed.Amount);
    }

    [Fact]
    public async Task A_signature_past_its_deadline_is_rejected_with_SignatureExpired()
    {
        var (bed, tree, aliceKey) = await PublishedEpochAsync();
        using var _ = bed;
        var deadline = await bed.Client.GetLatestBlockTimestampAsync() - 1;
        var signed = await bed.Service.SignClaimAsync(tree.ClaimOf(aliceKey.GetPublicAddress()), aliceKey, aliceKey.GetPublicAddress(), deadline);

        var exception = await Assert.ThrowsAsync<ContractRevertedException>(() => bed.Service.ClaimForAsync(signed));

        Assert.Equal(deadline, Assert.IsType<SignatureExpiredError>(exception.Error).Deadline);
    }

    [Fact]
    public async Task A_replayed_signature_is_rejected_with_InvalidSignature_because_its_nonce_is_used()
    {
        var (bed, tree, aliceKey) = await PublishedEpochAsync();
        using var _ = bed;
        var receiver = RewardTestBed.NewAccount().GetPublicAddress();
        var signed = await bed.Service.SignClaimAsync(tree.ClaimOf(aliceKey.GetPublicAddress()), aliceKey, receiver, await DeadlineAsync(bed));
        await bed.Service.ClaimForAsync(signed);

        var exception = await Assert.ThrowsAsync<ContractRevertedException>(() => bed.Service.ClaimForAsync(signed));

        Assert.IsType<InvalidSignatureError>(exception.Error);
        Assert.Equal(70 * Token, await bed.Service.GetTokenBalanceAsync(receiver));
    }

    [Fact]
    public async Task A_signature_made_for_another_chain_id_is_rejected_with_InvalidSignature()
    {
        var (bed, tree, aliceKey) = await PublishedEpochAsync();
        using var _ = bed;
        var alice = aliceKey.GetPublicAddress();
        var claim = tree.ClaimOf(alice);
        var deadline = await DeadlineAsync(bed);
        var authorization = Authorization(claim, alice, deadline);
        var otherChain = ClaimSigner.Sign(authorization, fixture.Chain.Endpoint.ChainId + 1, bed.Service.Contracts.DistributorAddress, aliceKey);

        var exception = await Assert.ThrowsAsync<ContractRevertedException>(
            () => bed.Service.ClaimForAsync(new SignedClaim(claim, alice, deadline, otherChain)));

        Assert.IsType<InvalidSignatureError>(exception.Error);
        // The same authorisation signed for this chain is accepted: only the chain id made the difference.
        var thisChain = ClaimSigner.Sign(authorization, fixture.Chain.Endpoint.ChainId, bed.Service.Contracts.DistributorAddress, aliceKey);
        await bed.Service.ClaimForAsync(new SignedClaim(claim, alice, deadline, thisChain));
        Assert.Equal(70 * Token, await bed.Service.GetTokenBalanceAsync(alice));
    }

    [Fact]
    public async Task A_signature_made_for_another_distributor_is_rejected_with_InvalidSignature()
    {
        var (bed, tree, aliceKey) = await PublishedEpochAsync();
        using var _ = bed;
        using var other = await RewardTestBed.DeployAsync(fixture.Chain);
        var alice = aliceKey.GetPublicAddress();
        var claim = tree.ClaimOf(alice);
        var deadline = await DeadlineAsync(bed);
        var forOther = ClaimSigner.Sign(
            Authorization(claim, alice, deadline), fixture.Chain.Endpoint.ChainId, other.Service.Contracts.DistributorAddress, aliceKey);

        var exception = await Assert.ThrowsAsync<ContractRevertedException>(
            () => bed.Service.ClaimForAsync(new SignedClaim(claim, alice, deadline, forOther)));

        Assert.IsType<InvalidSignatureError>(exception.Error);
    }

    [Fact]
    public async Task A_signature_by_another_key_or_for_another_receiver_is_rejected_with_InvalidSignature()
    {
        var (bed, tree, aliceKey) = await PublishedEpochAsync();
        using var _ = bed;
        var alice = aliceKey.GetPublicAddress();
        var claim = tree.ClaimOf(alice);
        var deadline = await DeadlineAsync(bed);
        var mallory = RewardTestBed.NewAccount();
        var byMallory = ClaimSigner.Sign(
            Authorization(claim, mallory.GetPublicAddress(), deadline), fixture.Chain.Endpoint.ChainId, bed.Service.Contracts.DistributorAddress, mallory);
        var signed = await bed.Service.SignClaimAsync(claim, aliceKey, alice, deadline);

        var wrongKey = await Assert.ThrowsAsync<ContractRevertedException>(
            () => bed.Service.ClaimForAsync(new SignedClaim(claim, mallory.GetPublicAddress(), deadline, byMallory)));
        var redirected = await Assert.ThrowsAsync<ContractRevertedException>(
            () => bed.Service.ClaimForAsync(signed with { Receiver = mallory.GetPublicAddress() }));

        Assert.IsType<InvalidSignatureError>(wrongKey.Error);
        Assert.IsType<InvalidSignatureError>(redirected.Error);
        Assert.Equal(BigInteger.Zero, await bed.Service.GetTokenBalanceAsync(mallory.GetPublicAddress()));
    }

    private async Task<(RewardTestBed Bed, ReferenceMerkleTree Tree, EthECKey AliceKey)> PublishedEpochAsync()
    {
        var bed = await RewardTestBed.DeployAsync(fixture.Chain);
        var aliceKey = RewardTestBed.NewAccount();
        var bob = RewardTestBed.NewAccount().GetPublicAddress();
        var tree = await trees.BuildAsync(1, [(aliceKey.GetPublicAddress(), 70 * Token), (bob, 30 * Token)]);
        await bed.Service.PublishRootAsync(1, tree.Root, 100 * Token);
        return (bed, tree, aliceKey);
    }

    private static async Task<BigInteger> DeadlineAsync(RewardTestBed bed) => await bed.Client.GetLatestBlockTimestampAsync() + 3600;

    private static ClaimAuthorization Authorization(RewardClaim claim, string receiver, BigInteger deadline) => new()
    {
        Account = claim.Account,
        CumulativeAmount = claim.CumulativeAmount,
        Epoch = claim.Epoch,
        Receiver = receiver,
        Nonce = 0,
        Deadline = deadline,
    };
}
