using System.Numerics;
using CityFn.Core.Rewards;
using static CityFn.Core.Tests.Rewards.Ledger;

namespace CityFn.Core.Tests.Rewards;

public sealed class LargestRemainderTests
{
    [Fact]
    public void Equal_weights_give_the_leftover_unit_to_the_lowest_address_whatever_the_order()
    {
        var amounts = LargestRemainder.Split(10, [(Address(3), 1), (Address(1), 1), (Address(2), 1)]);

        Assert.Equal([3, 4, 3], amounts.Select(a => (int)a));
    }

    [Fact]
    public void The_largest_remainder_wins_before_the_address()
    {
        // 100 × (1, 2, 4) / 7 = 14.29, 28.57, 57.14 → floors 14 + 28 + 57 = 99; remainders 2, 4, 1 (sevenths) → the 2-weight share.
        var amounts = LargestRemainder.Split(100, [(Address(1), 1), (Address(2), 2), (Address(3), 4)]);

        Assert.Equal([14, 29, 57], amounts.Select(a => (int)a));
    }

    [Fact]
    public void Zero_weights_get_nothing_and_all_zero_weights_split_nothing()
    {
        Assert.Equal([0, 5], LargestRemainder.Split(5, [(Address(1), 0), (Address(2), 7)]).Select(a => (int)a));
        Assert.Equal([0, 0], LargestRemainder.Split(5, [(Address(1), 0), (Address(2), 0)]).Select(a => (int)a));
    }

    [Fact]
    public void Token_sized_pools_split_exactly()
    {
        var pool = BigInteger.Parse("1000000000000000000000001", System.Globalization.CultureInfo.InvariantCulture);

        var amounts = LargestRemainder.Split(pool, [(Address(1), 1), (Address(2), 1), (Address(3), 1)]);

        Assert.Equal(pool, amounts.Aggregate(BigInteger.Add));
        // 10^24 + 1 = 3q + 2: two units left over, both remainders equal, so the two lowest addresses get one each.
        var q = pool / 3;
        Assert.Equal([q + 1, q + 1, q], amounts);
    }
}
