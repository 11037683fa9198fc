using System.Numerics;
using CityFn.Core.Rewards;
using CsCheck;
using static CityFn.Core.Tests.Rewards.Ledger;

namespace CityFn.Core.Tests.Rewards;

public sealed class RewardAllocatorPropertyTests
{
    // Few cells, owners and operators so caps, shared owners and ties happen often.
    private static readonly Gen<DataContribution[]> Devices =
        Gen.Select(Gen.Int[0, 3], Gen.Int[0, 4], Gen.Long[0, 120], Gen.Long[0, 100], Gen.Int[0, 4], Gen.Long[0, 3])
            .Array[0, 25]
            .Select(rows => rows.Select((r, i) => Device(1_000 + i, 100 + r.Item2, $"cell-{r.Item1}", r.Item3, r.Item4, r.Item5 / 4m, r.Item6)).ToArray());

    private static readonly Gen<(ComputeContribution[] Compute, int[] Quarantined)> Hosts =
        Gen.Select(Gen.Long[0, 1_000], Gen.Int[0, 8], Gen.Bool)
            .Array[0, 8]
            .Select(rows => (
                rows.Select((r, i) => Host(2_000 + (i / 2), 300 + ((i / 2) % 3), r.Item1, r.Item2 / 4m, $"model-{i % 2}")).ToArray(),
                rows.Select((r, i) => (Caught: r.Item3, Host: 2_000 + (i / 2))).Where(q => q.Caught).Select(q => q.Host).Distinct().ToArray()));

    private static readonly Gen<BigInteger> Pools = Gen.OneOf(
        Gen.Long[0, 1_000].Select(p => new BigInteger(p)),
        Gen.Select(Gen.Long[0, long.MaxValue], Gen.Long[1, long.MaxValue]).Select(p => new BigInteger(p.Item1) * p.Item2));

    private static readonly Gen<(EpochLedger Ledger, BigInteger Pool, int Bps, int Cap, int Seed)> Epochs =
        Gen.Select(Devices, Hosts, Pools, Gen.Int[0, 10_000], Gen.Int[1, 4], Gen.Int)
            .Select(e => (Of(e.Item1, e.Item2.Compute, e.Item2.Quarantined), e.Item3, e.Item4, e.Item5, e.Item6));

    [Fact]
    public void Every_epoch_pays_exactly_its_pool_unless_nobody_earned()
    {
        Epochs.Sample(e =>
        {
            var allocation = Allocator(e.Bps, e.Cap).Allocate(e.Ledger, e.Pool);

            var paid = allocation.Payouts.Aggregate(BigInteger.Zero, (sum, p) => sum + p.Total);
            Assert.Equal(e.Pool, paid + allocation.Unallocated);
            Assert.Equal(allocation.Payouts.Count == 0 && e.Pool > 0, allocation.Unallocated == e.Pool && e.Pool > 0);
        }, iter: 500);
    }

    [Fact]
    public void Shuffled_input_gives_the_same_allocation()
    {
        Epochs.Sample(e =>
        {
            var random = new Random(e.Seed);
            var shuffled = e.Ledger with
            {
                Data = Shuffle(random, e.Ledger.Data),
                Compute = Shuffle(random, e.Ledger.Compute),
                Quarantines = Shuffle(random, e.Ledger.Quarantines),
            };
            var allocator = Allocator(e.Bps, e.Cap);

            var expected = allocator.Allocate(e.Ledger, e.Pool);
            var actual = allocator.Allocate(shuffled, e.Pool);

            Assert.Equal(expected.Payouts, actual.Payouts);
            Assert.Equal(expected.Devices, actual.Devices);
            Assert.Equal(expected.Hosts, actual.Hosts);
        }, iter: 300);
    }

    [Fact]
    public void No_amount_is_negative_and_no_cell_pays_more_devices_than_the_cap()
    {
        Epochs.Sample(e =>
        {
            var allocation = Allocator(e.Bps, e.Cap).Allocate(e.Ledger, e.Pool);

            Assert.All(allocation.Payouts, p => Assert.True(p.Data >= 0 && p.Compute >= 0 && p.Total > 0));
            Assert.All(allocation.Devices, d => Assert.True(d.Amount >= 0));
            Assert.All(allocation.Hosts, h => Assert.True(h.Amount >= 0 && (!h.Quarantined || h.Amount == 0)));
            Assert.All(allocation.Devices.GroupBy(d => d.CellId), cell => Assert.True(cell.Count(d => d.Amount > 0) <= e.Cap));
        }, iter: 500);
    }

    private static T[] Shuffle<T>(Random random, IReadOnlyList<T> items)
    {
        var copy = items.ToArray();
        random.Shuffle(copy);
        return copy;
    }
}
