using System.Numerics;
using CityFn.Contracts.CityRewardToken;
using CityFn.Contracts.RewardDistributor;
using CityFn.TestSupport;

namespace CityFn.Contracts.Tests;

/// <summary>
/// The token keeps each holder's balance and claimed amount in one storage word (for claim gas). These tests
/// check that the packing never mixes the two up and that the supply bound and the claim entry point hold.
/// </summary>
[Collection(LocalChainCollection.Name)]
public sealed class RewardTokenTests(LocalChainFixture fixture, ReferenceTreeServer trees)
{
    private static readonly BigInteger Token = RewardTestBed.Token;

    [Fact]
    public async Task Transfers_after_a_claim_move_balances_exactly_and_leave_the_claimed_amount_alone()
    {
        using var bed = await RewardTestBed.DeployAsync(fixture.Chain);
        using var alice = RewardTestBed.ClientFor(fixture.Chain, keyIndex: 1);
        var bob = RewardTestBed.NewAccount().GetPublicAddress();
        var carol = RewardTestBed.NewAccount().GetPublicAddress();
        var first = await trees.BuildAsync(1, [(alice.Address, 70 * Token), (carol, 30 * Token)]);
        await bed.Service.PublishRootAsync(1, first.Root, 100 * Token);
        await bed.Service.ClaimAsync(first.ClaimOf(alice.Address));

        await alice.SendAsync(bed.Service.Contracts.TokenAddress, new TransferFunction { To = bob, Value = 25 * Token });

        Assert.Equal(45 * Token, await bed.Service.GetTokenBalanceAsync(alice.Address));
        Assert.Equal(25 * Token, await bed.Service.GetTokenBalanceAsync(bob));
        Assert.Equal(30 * Token, await bed.Service.GetTokenBalanceAsync(bed.Service.Contracts.DistributorAddress));
        Assert.Equal(70 * Token, await bed.Service.GetClaimedAsync(alice.Address));
        Assert.Equal(BigInteger.Zero, await bed.Service.GetClaimedAsync(bob));
        Assert.Equal(100 * Token, await TotalSupplyAsync(bed));

        // A later epoch pays only the difference, on top of what alice still holds.
        var second = await trees.BuildAsync(2, [(alice.Address, 90 * Token), (carol, 60 * Token)]);
        await bed.Service.PublishRootAsync(2, second.Root, 50 * Token);
        await bed.Service.ClaimAsync(second.ClaimOf(alice.Address));

        Assert.Equal(65 * Token, await bed.Service.GetTokenBalanceAsync(alice.Address));
        Assert.Equal(90 * Token, await bed.Service.GetClaimedAsync(alice.Address));
        Assert.Equal(150 * Token, await TotalSupplyAsync(bed));
    }

    [Fact]
    public async Task A_transfer_beyond_the_balance_is_rejected_with_ERC20InsufficientBalance()
    {
        using var bed = await RewardTestBed.DeployAsync(fixture.Chain);
        using var alice = RewardTestBed.ClientFor(fixture.Chain, keyIndex: 2);
        var tree = await trees.BuildAsync(1, [(alice.Address, 70 * Token), (RewardTestBed.NewAccount().GetPublicAddress(), 30 * Token)]);
        await bed.Service.PublishRootAsync(1, tree.Root, 100 * Token);
        await bed.Service.ClaimAsync(tree.ClaimOf(alice.Address));

        var exception = await Assert.ThrowsAsync<ContractRevertedException>(
            () => alice.SendAsync(bed.Service.Contracts.TokenAddress, new TransferFunction { To = RewardTestBed.NewAccount().GetPublicAddress(), Value = 71 * Token }));

        var error = Assert.IsType<ERC20InsufficientBalanceError>(exception.Error);
        Assert.Equal(70 * Token, error.Balance);
        Assert.Equal(71 * Token, error.Needed);
        Assert.Equal(70 * Token, await bed.Service.GetClaimedAsync(alice.Address));
    }

    [Fact]
    public async Task Only_the_distributor_can_pay_claims_directly_on_the_token()
    {
        using var bed = await RewardTestBed.DeployAsync(fixture.Chain);
        using var outsider = RewardTestBed.ClientFor(fixture.Chain, keyIndex: 1);
        var tree = await trees.BuildAsync(1, [(outsider.Address, 70 * Token), (RewardTestBed.NewAccount().GetPublicAddress(), 30 * Token)]);
        await bed.Service.PublishRootAsync(1, tree.Root, 100 * Token);

        var exception = await Assert.ThrowsAsync<ContractRevertedException>(() => outsider.SendAsync(
            bed.Service.Contracts.TokenAddress,
            new PayClaimFunction { Account = outsider.Address, Receiver = outsider.Address, CumulativeAmount = 100 * Token }));

        var error = Assert.IsType<AccessControlUnauthorizedAccountError>(exception.Error);
        Assert.Equal(outsider.Address, error.Account, StringComparer.OrdinalIgnoreCase);
        Assert.Equal(BigInteger.Zero, await bed.Service.GetTokenBalanceAsync(outsider.Address));
    }

    [Fact]
    public async Task Minting_past_two_to_the_128_base_units_is_rejected_with_SupplyOverflow()
    {
        using var bed = await RewardTestBed.DeployAsync(fixture.Chain, epochCap: BigInteger.Pow(2, 200));
        var limit = BigInteger.Pow(2, 128) - 1;
        await bed.Service.PublishRootAsync(1, RandomRoot(), limit);

        var exception = await Assert.ThrowsAsync<ContractRevertedException>(() => bed.Service.PublishRootAsync(2, RandomRoot(), 1));

        var error = Assert.IsType<SupplyOverflowError>(exception.Error);
        Assert.Equal(limit, error.Supply);
        Assert.Equal(BigInteger.One, error.Amount);
        Assert.Equal(limit, await TotalSupplyAsync(bed));
    }

    private static Task<BigInteger> TotalSupplyAsync(RewardTestBed bed) =>
        bed.Client.CallAsync<TotalSupplyFunction, BigInteger>(bed.Service.Contracts.TokenAddress, new TotalSupplyFunction());

    private static byte[] RandomRoot() => System.Security.Cryptography.RandomNumberGenerator.GetBytes(32);
}
