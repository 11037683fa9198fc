using System.Numerics;
using CityFn.Contracts.CityRewardToken;
using CityFn.Contracts.RewardDistributor;
using CityFn.TestSupport;
using Nethereum.Hex.HexConvertors.Extensions;

namespace CityFn.Contracts.Tests;

/// <summary>Every rejection surfaces as the contract's typed custom error with its arguments.</summary>
[Collection(LocalChainCollection.Name)]
public sealed class RewardDistributorRejectionTests(LocalChainFixture fixture, ReferenceTreeServer trees)
{
    private static readonly BigInteger Token = RewardTestBed.Token;

    [Fact]
    public async Task A_claim_with_a_tampered_proof_is_rejected_with_InvalidProof()
    {
        var (bed, tree, alice, _) = await PublishedEpochAsync();
        using var _ = bed;
        var claim = tree.ClaimOf(alice);
        var tampered = claim with { Proof = [.. claim.Proof.Select(p => p.ToArray())] };
        tampered.Proof[0][31] ^= 1;

        var exception = await Assert.ThrowsAsync<ContractRevertedException>(() => bed.Service.ClaimAsync(tampered));

        Assert.IsType<InvalidProofError>(exception.Error);
        Assert.Contains("claim", exception.Message, StringComparison.Ordinal);
        Assert.Contains("InvalidProof()", exception.Message, StringComparison.Ordinal);
        Assert.Equal(BigInteger.Zero, await bed.Service.GetTokenBalanceAsync(alice));
    }

    [Fact]
    public async Task A_claim_for_more_than_the_tree_holds_is_rejected_with_InvalidProof()
    {
        var (bed, tree, alice, _) = await PublishedEpochAsync();
        using var _ = bed;
        var greedy = tree.ClaimOf(alice) with { CumulativeAmount = 71 * Token };

        var exception = await Assert.ThrowsAsync<ContractRevertedException>(() => bed.Service.ClaimAsync(greedy));

        Assert.IsType<InvalidProofError>(exception.Error);
    }

    [Fact]
    public async Task Using_another_accounts_proof_is_rejected_with_InvalidProof()
    {
        var (bed, tree, alice, bob) = await PublishedEpochAsync();
        using var _ = bed;
        var stolen = tree.ClaimOf(bob) with { Account = alice };

        var exception = await Assert.ThrowsAsync<ContractRevertedException>(() => bed.Service.ClaimAsync(stolen));

        Assert.IsType<InvalidProofError>(exception.Error);
        Assert.Equal(BigInteger.Zero, await bed.Service.GetTokenBalanceAsync(alice));
    }

    [Fact]
    public async Task A_claim_against_an_unpublished_epoch_is_rejected_with_UnknownEpoch()
    {
        var (bed, tree, alice, _) = await PublishedEpochAsync();
        using var _ = bed;

        var exception = await Assert.ThrowsAsync<ContractRevertedException>(
            () => bed.Service.ClaimAsync(tree.ClaimOf(alice) with { Epoch = 2 }));

        Assert.Equal(new BigInteger(2), Assert.IsType<UnknownEpochError>(exception.Error).Epoch);
    }

    [Fact]
    public async Task Claiming_twice_is_rejected_with_NothingToClaim()
    {
        var (bed, tree, alice, _) = await PublishedEpochAsync();
        using var _ = bed;
        await bed.Service.ClaimAsync(tree.ClaimOf(alice));

        var exception = await Assert.ThrowsAsync<ContractRevertedException>(() => bed.Service.ClaimAsync(tree.ClaimOf(alice)));

        var error = Assert.IsType<NothingToClaimError>(exception.Error);
        Assert.Equal(alice, error.Account, StringComparer.OrdinalIgnoreCase);
        Assert.Equal(70 * Token, error.CumulativeAmount);
        Assert.Equal(70 * Token, error.AlreadyClaimed);
        Assert.Equal(70 * Token, await bed.Service.GetTokenBalanceAsync(alice));
    }

    [Fact]
    public async Task Publishing_without_the_publisher_role_is_rejected_with_AccessControlUnauthorizedAccount()
    {
        using var bed = await RewardTestBed.DeployAsync(fixture.Chain);
        using var outsider = RewardTestBed.ClientFor(fixture.Chain, keyIndex: 1);

        var exception = await Assert.ThrowsAsync<ContractRevertedException>(
            () => bed.ServiceFor(outsider).PublishRootAsync(1, new byte[32].Select(_ => (byte)7).ToArray(), Token));

        var error = Assert.IsType<AccessControlUnauthorizedAccountError>(exception.Error);
        Assert.Equal(outsider.Address, error.Account, StringComparer.OrdinalIgnoreCase);
        Assert.Equal(RewardDistributorRoles.Publisher.ToHex(), error.NeededRole.ToHex());
        Assert.Equal(BigInteger.Zero, await bed.Service.GetCurrentEpochAsync());
    }

    [Fact]
    public async Task Pausing_without_the_guardian_role_is_rejected_with_AccessControlUnauthorizedAccount()
    {
        using var bed = await RewardTestBed.DeployAsync(fixture.Chain);
        using var outsider = RewardTestBed.ClientFor(fixture.Chain, keyIndex: 1);

        var exception = await Assert.ThrowsAsync<ContractRevertedException>(() => bed.ServiceFor(outsider).PauseAsync());

        var error = Assert.IsType<AccessControlUnauthorizedAccountError>(exception.Error);
        Assert.Equal(RewardDistributorRoles.Guardian.ToHex(), error.NeededRole.ToHex());
    }

    [Fact]
    public async Task Skipping_an_epoch_is_rejected_with_EpochNotConsecutive()
    {
        var (bed, _, _, _) = await PublishedEpochAsync();
        using var _ = bed;

        var exception = await Assert.ThrowsAsync<ContractRevertedException>(
            () => bed.Service.PublishRootAsync(3, RandomRoot(), Token));

        var error = Assert.IsType<EpochNotConsecutiveError>(exception.Error);
        Assert.Equal(new BigInteger(2), error.Expected);
        Assert.Equal(new BigInteger(3), error.Got);
        Assert.Contains("EpochNotConsecutive(expected: 2, got: 3)", exception.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Publishing_the_same_epoch_twice_is_rejected_with_EpochNotConsecutive()
    {
        var (bed, tree, _, _) = await PublishedEpochAsync();
        using var _ = bed;

        var exception = await Assert.ThrowsAsync<ContractRevertedException>(
            () => bed.Service.PublishRootAsync(1, tree.Root, 100 * Token));

        var error = Assert.IsType<EpochNotConsecutiveError>(exception.Error);
        Assert.Equal((new BigInteger(2), BigInteger.One), (error.Expected, error.Got));
        Assert.Equal(100 * Token, await bed.Service.GetTotalPublishedAsync());
    }

    [Fact]
    public async Task An_epoch_total_over_the_cap_is_rejected_with_EpochOverCap()
    {
        using var bed = await RewardTestBed.DeployAsync(fixture.Chain, epochCap: 1_000 * Token);

        var exception = await Assert.ThrowsAsync<ContractRevertedException>(
            () => bed.Service.PublishRootAsync(1, RandomRoot(), 1_000 * Token + 1));

        var error = Assert.IsType<EpochOverCapError>(exception.Error);
        Assert.Equal(1_000 * Token + 1, error.Total);
        Assert.Equal(1_000 * Token, error.Cap);
        await bed.Service.PublishRootAsync(1, RandomRoot(), 1_000 * Token);
        Assert.Equal(1_000 * Token, await bed.Service.GetTotalPublishedAsync());
    }

    [Fact]
    public async Task A_zero_root_is_rejected_with_InvalidRoot()
    {
        using var bed = await RewardTestBed.DeployAsync(fixture.Chain);

        var exception = await Assert.ThrowsAsync<ContractRevertedException>(
            () => bed.Service.PublishRootAsync(1, new byte[32], Token));

        Assert.IsType<InvalidRootError>(exception.Error);
    }

    [Fact]
    public async Task While_paused_claims_and_publishes_are_rejected_with_EnforcedPause_and_work_again_after_unpause()
    {
        var (bed, tree, alice, _) = await PublishedEpochAsync();
        using var _ = bed;
        await bed.Service.PauseAsync();

        var claim = await Assert.ThrowsAsync<ContractRevertedException>(() => bed.Service.ClaimAsync(tree.ClaimOf(alice)));
        var publish = await Assert.ThrowsAsync<ContractRevertedException>(() => bed.Service.PublishRootAsync(2, RandomRoot(), Token));

        Assert.IsType<EnforcedPauseError>(claim.Error);
        Assert.IsType<EnforcedPauseError>(publish.Error);
        await bed.Service.UnpauseAsync();
        await bed.Service.ClaimAsync(tree.ClaimOf(alice));
        Assert.Equal(70 * Token, await bed.Service.GetTokenBalanceAsync(alice));
    }

    [Fact]
    public async Task A_deployment_starting_at_epoch_zero_is_rejected_with_InvalidFirstEpoch()
    {
        using var deployer = RewardTestBed.ClientFor(fixture.Chain, keyIndex: 0);
        var settings = new RewardDeploymentSettings(deployer.Address, deployer.Address, deployer.Address, Token) { FirstEpoch = 0 };

        var exception = await Assert.ThrowsAsync<ContractRevertedException>(() => RewardDistributorService.DeployAsync(deployer, settings));

        Assert.IsType<InvalidFirstEpochError>(exception.Error);
        Assert.StartsWith("deployment of RewardDistributorDeployment reverted with InvalidFirstEpoch()", exception.Message, StringComparison.Ordinal);
    }

    private async Task<(RewardTestBed Bed, ReferenceMerkleTree Tree, string Alice, string Bob)> PublishedEpochAsync()
    {
        var bed = await RewardTestBed.DeployAsync(fixture.Chain);
        var alice = RewardTestBed.NewAccount().GetPublicAddress();
        var bob = RewardTestBed.NewAccount().GetPublicAddress();
        var tree = await trees.BuildAsync(1, [(alice, 70 * Token), (bob, 30 * Token)]);
        await bed.Service.PublishRootAsync(1, tree.Root, 100 * Token);
        return (bed, tree, alice, bob);
    }

    private static byte[] RandomRoot() => System.Security.Cryptography.RandomNumberGenerator.GetBytes(32);
}
