using CityFn.Core.Merkle;
using CityFn.Core.Rewards;
using static CityFn.Core.Tests.Rewards.Ledger;

namespace CityFn.Core.Tests.Rewards;

public sealed class CumulativeRewardsTests
{
    [Fact]
    public void An_epoch_adds_to_the_previous_totals_and_new_payees_join_in_address_order()
    {
        var epoch = Allocator().Allocate(Of([Device(1, owner: 102, "a", 1, 1, 1m), Device(2, owner: 100, "b", 1, 1, 1m)]), 20);

        var totals = CumulativeRewards.Add([new RewardLeaf(Address(102), 100), new RewardLeaf(Address(101), 50)], epoch);

        Assert.Equal(
            [new RewardLeaf(Address(100), 10), new RewardLeaf(Address(101), 50), new RewardLeaf(Address(102), 110)],
            totals);
    }

    [Fact]
    public void Previous_totals_that_list_an_account_twice_are_refused()
    {
        var epoch = Allocator().Allocate(Of(), 0);

        var error = Assert.Throws<ArgumentException>(() =>
            CumulativeRewards.Add([new RewardLeaf(Address(1), 1), new RewardLeaf(Address(1), 2)], epoch));

        Assert.Contains("twice", error.Message, StringComparison.Ordinal);
    }
}
