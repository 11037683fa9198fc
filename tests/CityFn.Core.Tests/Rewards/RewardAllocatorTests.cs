using System.Numerics;
using CityFn.Core.Rewards;
using static CityFn.Core.Tests.Rewards.Ledger;

namespace CityFn.Core.Tests.Rewards;

public sealed class RewardAllocatorTests
{
    [Fact]
    public void The_pool_splits_70_30_and_each_side_pays_in_proportion_to_scores()
    {
        // Data 700: scores 1.0 and 0.5 → 466.67 and 233.33; the one unit left goes to the larger remainder.
        // Compute 300: 10 and 30 rows → 75 and 225.
        var ledger = Of(
            [Device(1, owner: 101, "cell-a", 100, 100, 1m), Device(2, owner: 102, "cell-b", 50, 100, 1m)],
            [Host(11, @operator: 111, rows: 10), Host(12, @operator: 112, rows: 30)]);

        var allocation = Allocator().Allocate(ledger, 1_000);

        Assert.Equal(700, allocation.DataPool);
        Assert.Equal(300, allocation.ComputePool);
        Assert.Equal(
            [new Payout(Address(101), 467, 0), new Payout(Address(102), 233, 0), new Payout(Address(111), 0, 75), new Payout(Address(112), 0, 225)],
            allocation.Payouts);
    }

    [Fact]
    public void At_most_three_devices_per_cell_earn_best_score_first_then_earliest_registration_then_address()
    {
        var ledger = Of([
            Device(1, 101, "cell-a", 100, 100, 0.9m),
            Device(2, 102, "cell-a", 100, 100, 0.8m, registered: 5),
            Device(3, 103, "cell-a", 100, 100, 0.8m, registered: 2),
            Device(4, 104, "cell-a", 100, 100, 0.7m),
            Device(5, 105, "cell-a", 100, 100, 0.8m, registered: 5),
        ]);

        var allocation = Allocator().Allocate(ledger, 1_000);

        // Earning scores 0.9 + 0.8 + 0.8 = 2.5 take the whole pool (no hosts): 360, 320, 320.
        Assert.Equal(
            [
                (1, DeviceOutcome.Earned, 360), (2, DeviceOutcome.Earned, 320), (3, DeviceOutcome.Earned, 320),
                (4, DeviceOutcome.CellCapReached, 0), (5, DeviceOutcome.CellCapReached, 0),
            ],
            allocation.Devices.Select(d => (Number(d.Device), d.Outcome, (int)d.Amount)));
    }

    [Fact]
    public void The_cap_applies_per_cell_and_is_configurable()
    {
        var ledger = Of([
            Device(1, 101, "cell-a", 10, 10, 1m), Device(2, 102, "cell-a", 9, 10, 1m),
            Device(3, 103, "cell-b", 10, 10, 1m), Device(4, 104, "cell-b", 9, 10, 1m),
        ]);

        var allocation = Allocator(maxPerCell: 1).Allocate(ledger, 1_000);

        Assert.Equal([1, 3], allocation.Devices.Where(d => d.Outcome == DeviceOutcome.Earned).Select(d => Number(d.Device)));
        Assert.Equal([500, 500], allocation.Payouts.Select(p => (int)p.Total));
    }

    [Fact]
    public void Units_left_by_rounding_go_to_the_largest_remainders_and_ties_to_the_lower_address()
    {
        // Three equal scores share 100: 33 each and one unit left, all remainders equal → lowest address.
        var ledger = Of([Device(3, 103, "c3", 1, 1, 1m), Device(1, 101, "c1", 1, 1, 1m), Device(2, 102, "c2", 1, 1, 1m)]);

        var allocation = Allocator().Allocate(ledger, 100);

        Assert.Equal([34, 33, 33], allocation.Payouts.Select(p => (int)p.Total));
        Assert.Equal([101, 102, 103], allocation.Payouts.Select(p => Number(p.Account)));
    }

    [Fact]
    public void An_owner_is_paid_the_sum_of_its_devices_and_an_operator_of_its_hosts()
    {
        var ledger = Of(
            [Device(1, 101, "cell-a", 100, 100, 1m), Device(2, 101, "cell-b", 100, 100, 1m), Device(3, 102, "cell-c", 100, 100, 1m)],
            [Host(11, 101, rows: 50), Host(12, 101, rows: 50)]);

        var allocation = Allocator().Allocate(ledger, 3_000);

        // Data 2100 / 3 devices = 700 each; compute 900 / 2 hosts = 450 each.
        Assert.Equal([new Payout(Address(101), 1_400, 900), new Payout(Address(102), 700, 0)], allocation.Payouts);
    }

    [Fact]
    public void Samples_beyond_the_expected_count_do_not_raise_the_score_and_nothing_expected_scores_zero()
    {
        var ledger = Of([
            Device(1, 101, "a", accepted: 250, expected: 100, quality: 0.5m),
            Device(2, 102, "b", accepted: 50, expected: 100, quality: 1m),
            Device(3, 103, "c", accepted: 10, expected: 0, quality: 1m),
            Device(4, 104, "d", accepted: 100, expected: 100, quality: 0m),
        ]);

        var allocation = Allocator().Allocate(ledger, 1_000);

        Assert.Equal(
            [(RewardScore.Scale / 2, 500), (RewardScore.Scale / 2, 500), (BigInteger.Zero, 0), (BigInteger.Zero, 0)],
            allocation.Devices.Select(d => (d.Score, (int)d.Amount)));
        Assert.Equal([DeviceOutcome.NoScore, DeviceOutcome.NoScore], allocation.Devices.Skip(2).Select(d => d.Outcome));
    }

    [Fact]
    public void A_quarantined_host_earns_nothing_and_the_others_share_the_compute_pool()
    {
        var ledger = Of(
            [Device(1, 101, "a", 1, 1, 1m)],
            [Host(11, 111, rows: 100), Host(12, 112, rows: 100)],
            quarantinedHosts: [11]);

        var allocation = Allocator().Allocate(ledger, 1_000);

        Assert.Equal([(true, 0), (false, 300)], allocation.Hosts.Select(h => (h.Quarantined, (int)h.Amount)));
        Assert.DoesNotContain(allocation.Payouts, p => p.Account == Address(111));
    }

    [Fact]
    public void A_host_scores_rows_times_model_cost_weight_summed_over_its_models()
    {
        // Host 11: 100 rows × 0.5 + 10 rows × 2 = 70; host 12: 30 × 1 = 30. No devices: compute takes all 1000.
        var ledger = Of(compute: [Host(11, 111, 100, 0.5m, "mlp"), Host(11, 111, 10, 2m, "trees"), Host(12, 112, 30, 1m)]);

        var allocation = Allocator().Allocate(ledger, 1_000);

        Assert.Equal(0, allocation.DataPool);
        Assert.Equal(1_000, allocation.ComputePool);
        Assert.Equal([700, 300], allocation.Payouts.Select(p => (int)p.Compute));
    }

    [Fact]
    public void When_no_host_earns_the_data_side_takes_the_whole_pool()
    {
        var ledger = Of([Device(1, 101, "a", 1, 1, 1m)], [Host(11, 111, rows: 100)], quarantinedHosts: [11]);

        var allocation = Allocator().Allocate(ledger, 1_000);

        Assert.Equal((1_000, 0, 0), ((int)allocation.DataPool, (int)allocation.ComputePool, (int)allocation.Unallocated));
        Assert.Equal([new Payout(Address(101), 1_000, 0)], allocation.Payouts);
    }

    [Fact]
    public void When_nobody_earns_the_pool_stays_unallocated()
    {
        var ledger = Of([Device(1, 101, "a", 0, 10, 1m)], [Host(11, 111, rows: 0)]);

        var allocation = Allocator().Allocate(ledger, 1_000);

        Assert.Equal(1_000, allocation.Unallocated);
        Assert.Empty(allocation.Payouts);
    }

    [Fact]
    public void A_zero_pool_pays_nobody_and_a_single_contributor_takes_the_whole_pool()
    {
        var ledger = Of([Device(1, 101, "a", 3, 10, 0.3m)]);

        Assert.Empty(Allocator().Allocate(ledger, 0).Payouts);
        Assert.Equal([new Payout(Address(101), 123_456_789, 0)], Allocator().Allocate(ledger, 123_456_789).Payouts);
    }

    [Fact]
    public void The_data_share_is_configurable_in_basis_points()
    {
        var ledger = Of([Device(1, 101, "a", 1, 1, 1m)], [Host(11, 111, rows: 1)]);

        var allocation = Allocator(dataShareBasisPoints: 2_500).Allocate(ledger, 999);

        Assert.Equal([249, 750], allocation.Payouts.Select(p => (int)p.Total));
    }

    [Theory]
    [InlineData("duplicate device", "appears twice")]
    [InlineData("quality", "outside [0, 1]")]
    [InlineData("epoch", "record for epoch 8")]
    [InlineData("two operators", "two operators")]
    public void An_inconsistent_ledger_is_refused_saying_why(string problem, string reason)
    {
        var ledger = problem switch
        {
            "duplicate device" => Of([Device(1, 101, "a", 1, 1, 1m), Device(1, 102, "b", 1, 1, 1m)]),
            "quality" => Of([Device(1, 101, "a", 1, 1, 1.5m)]),
            "epoch" => Of([Device(1, 101, "a", 1, 1, 1m) with { Epoch = 8 }]),
            _ => Of(compute: [Host(11, 111, 1, model: "a"), Host(11, 112, 1, model: "b")]),
        };

        var error = Assert.Throws<ArgumentException>(() => Allocator().Allocate(ledger, 100));

        Assert.Contains(reason, error.Message, StringComparison.Ordinal);
    }

    private static int Number(CityFn.Core.Ethereum.EthAddress address) => (int)new BigInteger(address.ToBytes(), isUnsigned: true, isBigEndian: true);
}
