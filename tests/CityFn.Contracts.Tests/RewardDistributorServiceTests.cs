using System.Numerics;
using CityFn.Contracts.CityRewardToken;
using CityFn.Contracts.RewardDistributor;
using CityFn.TestSupport;
using Nethereum.Contracts;
using Nethereum.Hex.HexConvertors.Extensions;

namespace CityFn.Contracts.Tests;

[Collection(LocalChainCollection.Name)]
public sealed class RewardDistributorServiceTests(LocalChainFixture fixture, ReferenceTreeServer trees)
{
    private static readonly BigInteger Token = RewardTestBed.Token;

    [Fact]
    public async Task A_deployment_wires_the_distributor_as_the_only_minter_and_starts_before_epoch_one()
    {
        using var bed = await RewardTestBed.DeployAsync(fixture.Chain, epochCap: 500 * Token);
        var token = bed.Service.Contracts.TokenAddress;

        Assert.True(await bed.Client.CallAsync<HasRoleFunction, bool>(
            token, new HasRoleFunction { Role = CityRewardTokenRoles.Minter, Account = bed.Service.Contracts.DistributorAddress }));
        Assert.False(await bed.Client.CallAsync<HasRoleFunction, bool>(
            token, new HasRoleFunction { Role = CityRewardTokenRoles.Minter, Account = bed.Client.Address }));
        Assert.Equal(18, await bed.Client.CallAsync<DecimalsFunction, byte>(token, new DecimalsFunction()));
        Assert.Equal(BigInteger.Zero, await bed.Service.GetCurrentEpochAsync());
        Assert.Equal(500 * Token, await bed.Service.GetEpochCapAsync());
    }

    [Fact]
    public async Task A_deployment_with_a_separate_admin_leaves_the_deploying_key_no_admin_rights()
    {
        using var deployer = RewardTestBed.ClientFor(fixture.Chain, keyIndex: 0);
        using var admin = RewardTestBed.ClientFor(fixture.Chain, keyIndex: 3);
        var settings = new RewardDeploymentSettings(admin.Address, deployer.Address, deployer.Address, 10 * Token);

        var service = await RewardDistributorService.DeployAsync(deployer, settings);

        var token = service.Contracts.TokenAddress;
        Assert.True(await deployer.CallAsync<HasRoleFunction, bool>(token, new HasRoleFunction { Role = RewardDistributorRoles.Admin, Account = admin.Address }));
        Assert.False(await deployer.CallAsync<HasRoleFunction, bool>(token, new HasRoleFunction { Role = RewardDistributorRoles.Admin, Account = deployer.Address }));
        var refused = await Assert.ThrowsAsync<ContractRevertedException>(() => service.SetEpochCapAsync(Token));
        Assert.Equal(deployer.Address, Assert.IsType<AccessControlUnauthorizedAccountError>(refused.Error).Account, StringComparer.OrdinalIgnoreCase);
        await new RewardDistributorService(admin, service.Contracts).SetEpochCapAsync(Token);
        Assert.Equal(Token, await service.GetEpochCapAsync());
    }

    [Fact]
    public async Task Publishing_an_epoch_records_its_root_and_mints_exactly_its_total_to_the_distributor()
    {
        using var bed = await RewardTestBed.DeployAsync(fixture.Chain);
        var alice = RewardTestBed.NewAccount().GetPublicAddress();
        var bob = RewardTestBed.NewAccount().GetPublicAddress();
        var tree = await trees.BuildAsync(1, [(alice, 70 * Token), (bob, 30 * Token + 1)]);

        var receipt = await bed.Service.PublishRootAsync(1, tree.Root, 100 * Token + 1);

        Assert.Equal(tree.Root, await bed.Service.GetRootAsync(1));
        Assert.Equal(BigInteger.One, await bed.Service.GetCurrentEpochAsync());
        Assert.Equal(100 * Token + 1, await bed.Service.GetTotalPublishedAsync());
        Assert.Equal(100 * Token + 1, await bed.Service.GetTokenBalanceAsync(bed.Service.Contracts.DistributorAddress));
        var published = Assert.Single(receipt.DecodeAllEvents<RootPublishedEventDTO>()).Event;
        Assert.Equal(BigInteger.One, published.Epoch);
        Assert.Equal(tree.Root.ToHex(), published.Root.ToHex());
        Assert.Equal(100 * Token + 1, published.EpochTotal);
        Assert.Equal(100 * Token + 1, published.TotalPublished);
        var minted = Assert.Single(receipt.DecodeAllEvents<TransferEventDTO>()).Event;
        Assert.Equal(bed.Service.Contracts.DistributorAddress, minted.To, StringComparer.OrdinalIgnoreCase);
        Assert.Equal(100 * Token + 1, minted.Value);
    }

    [Fact]
    public async Task A_claim_pays_the_account_exactly_its_cumulative_amount_and_emits_Claimed()
    {
        using var bed = await RewardTestBed.DeployAsync(fixture.Chain);
        var alice = RewardTestBed.NewAccount().GetPublicAddress();
        var bob = RewardTestBed.NewAccount().GetPublicAddress();
        var tree = await trees.BuildAsync(1, [(alice, 70 * Token), (bob, 30 * Token)]);
        await bed.Service.PublishRootAsync(1, tree.Root, 100 * Token);

        var receipt = await bed.Service.ClaimAsync(tree.ClaimOf(alice));

        Assert.Equal(70 * Token, await bed.Service.GetTokenBalanceAsync(alice));
        Assert.Equal(30 * Token, await bed.Service.GetTokenBalanceAsync(bed.Service.Contracts.DistributorAddress));
        Assert.Equal(BigInteger.Zero, await bed.Service.GetTokenBalanceAsync(bob));
        Assert.Equal(70 * Token, await bed.Service.GetClaimedAsync(alice));
        var claimed = Assert.Single(receipt.DecodeAllEvents<ClaimedEventDTO>()).Event;
        Assert.Equal(alice, claimed.Account, StringComparer.OrdinalIgnoreCase);
        Assert.Equal(alice, claimed.Receiver, StringComparer.OrdinalIgnoreCase);
        Assert.Equal(BigInteger.One, claimed.Epoch);
        Assert.Equal(70 * Token, claimed.Amount);
        Assert.Equal(70 * Token, claimed.CumulativeAmount);
    }

    [Fact]
    public async Task A_second_claim_after_a_later_epoch_pays_only_the_difference()
    {
        using var bed = await RewardTestBed.DeployAsync(fixture.Chain);
        var alice = RewardTestBed.NewAccount().GetPublicAddress();
        var bob = RewardTestBed.NewAccount().GetPublicAddress();
        var epoch1 = await trees.BuildAsync(1, [(alice, 70 * Token), (bob, 30 * Token)]);
        var epoch2 = await trees.BuildAsync(2, [(alice, 95 * Token), (bob, 105 * Token)]);
        await bed.Service.PublishRootAsync(1, epoch1.Root, 100 * Token);
        await bed.Service.ClaimAsync(epoch1.ClaimOf(alice));
        await bed.Service.PublishRootAsync(2, epoch2.Root, 100 * Token);

        var receipt = await bed.Service.ClaimAsync(epoch2.ClaimOf(alice));

        Assert.Equal(95 * Token, await bed.Service.GetTokenBalanceAsync(alice));
        Assert.Equal(95 * Token, await bed.Service.GetClaimedAsync(alice));
        var claimed = Assert.Single(receipt.DecodeAllEvents<ClaimedEventDTO>()).Event;
        Assert.Equal(25 * Token, claimed.Amount);
        Assert.Equal(new BigInteger(2), claimed.Epoch);
        Assert.Equal(200 * Token, await bed.Service.GetTotalPublishedAsync());
        Assert.Equal(105 * Token, await bed.Service.GetTokenBalanceAsync(bed.Service.Contracts.DistributorAddress));
    }

    [Fact]
    public async Task A_claim_against_an_older_published_root_still_pays_and_a_later_root_pays_the_rest()
    {
        using var bed = await RewardTestBed.DeployAsync(fixture.Chain);
        var alice = RewardTestBed.NewAccount().GetPublicAddress();
        var bob = RewardTestBed.NewAccount().GetPublicAddress();
        var epoch1 = await trees.BuildAsync(1, [(alice, 70 * Token), (bob, 30 * Token)]);
        var epoch2 = await trees.BuildAsync(2, [(alice, 95 * Token), (bob, 105 * Token)]);
        await bed.Service.PublishRootAsync(1, epoch1.Root, 100 * Token);
        await bed.Service.PublishRootAsync(2, epoch2.Root, 100 * Token);

        await bed.Service.ClaimAsync(epoch1.ClaimOf(bob));
        Assert.Equal(30 * Token, await bed.Service.GetTokenBalanceAsync(bob));

        await bed.Service.ClaimAsync(epoch2.ClaimOf(bob));
        Assert.Equal(105 * Token, await bed.Service.GetTokenBalanceAsync(bob));
        Assert.Equal(105 * Token, await bed.Service.GetClaimedAsync(bob));
    }

    [Fact]
    public async Task An_account_that_skipped_epochs_collects_everything_with_its_latest_proof()
    {
        using var bed = await RewardTestBed.DeployAsync(fixture.Chain, firstEpoch: 7);
        var alice = RewardTestBed.NewAccount().GetPublicAddress();
        var bob = RewardTestBed.NewAccount().GetPublicAddress();
        var epoch7 = await trees.BuildAsync(7, [(alice, 10 * Token), (bob, 1)]);
        var epoch8 = await trees.BuildAsync(8, [(alice, 25 * Token), (bob, 2)]);
        await bed.Service.PublishRootAsync(7, epoch7.Root, 10 * Token + 1);
        await bed.Service.PublishRootAsync(8, epoch8.Root, 15 * Token + 1);

        await bed.Service.ClaimAsync(epoch8.ClaimOf(alice));

        Assert.Equal(25 * Token, await bed.Service.GetTokenBalanceAsync(alice));
        Assert.Equal(new BigInteger(8), await bed.Service.GetCurrentEpochAsync());
    }

    [Fact]
    public async Task Changing_the_epoch_cap_emits_the_old_and_new_cap()
    {
        using var bed = await RewardTestBed.DeployAsync(fixture.Chain, epochCap: 100 * Token);

        var receipt = await bed.Service.SetEpochCapAsync(250 * Token);

        var changed = Assert.Single(receipt.DecodeAllEvents<EpochCapChangedEventDTO>()).Event;
        Assert.Equal(100 * Token, changed.PreviousCap);
        Assert.Equal(250 * Token, changed.NewCap);
        Assert.Equal(250 * Token, await bed.Service.GetEpochCapAsync());
    }

    [Fact]
    public async Task Pause_and_unpause_emit_events_naming_the_guardian()
    {
        using var bed = await RewardTestBed.DeployAsync(fixture.Chain);

        var paused = Assert.Single((await bed.Service.PauseAsync()).DecodeAllEvents<PausedEventDTO>()).Event;
        Assert.True(await bed.Service.IsPausedAsync());
        var unpaused = Assert.Single((await bed.Service.UnpauseAsync()).DecodeAllEvents<UnpausedEventDTO>()).Event;

        Assert.Equal(bed.Client.Address, paused.Account, StringComparer.OrdinalIgnoreCase);
        Assert.Equal(bed.Client.Address, unpaused.Account, StringComparer.OrdinalIgnoreCase);
        Assert.False(await bed.Service.IsPausedAsync());
    }
}
