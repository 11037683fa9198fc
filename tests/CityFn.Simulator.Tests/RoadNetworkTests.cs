namespace CityFn.Simulator.Tests;

public sealed class RoadNetworkTests
{
    [Fact]
    public void The_default_grid_has_ten_by_ten_intersections_joined_both_ways()
    {
        var network = RoadNetwork.Create(new NetworkOptions(), seed: 1);

        // 10 rows × 9 gaps horizontally plus 10 columns × 9 gaps vertically, each in two directions.
        Assert.Equal(2 * ((10 * 9) + (10 * 9)), network.Segments.Count);
        Assert.Equal(network.Segments.Count, network.Segments.Select(s => s.Id).Distinct().Count());
        Assert.Equal(network.Segments.Count, network.Segments.Select(s => s.DetectorId).Distinct().Count());
        var segment = network.Segment("seg-r3c4-E");
        Assert.Equal("det-r3c4-E", segment.DetectorId);
        Assert.Equal((3, 5), (segment.ToRow, segment.ToColumn));
    }

    [Fact]
    public void Arterials_have_more_lanes_and_a_higher_free_flow_speed()
    {
        var network = RoadNetwork.Create(new NetworkOptions { ArterialEvery = 3 }, seed: 1);

        var arterial = network.Segment("seg-r3c4-E");
        var local = network.Segment("seg-r4c4-E");
        Assert.True(arterial.IsArterial);
        Assert.False(local.IsArterial);
        Assert.True(arterial.Lanes > local.Lanes);
        Assert.True(arterial.FreeFlowSpeedKmh > local.FreeFlowSpeedKmh);
        Assert.True(arterial.CapacityVehPerHour > local.CapacityVehPerHour);
        Assert.True(arterial.JamDensityVehPerKm > local.JamDensityVehPerKm);
        // A vertical segment on arterial column 6 is arterial even in a local row.
        Assert.True(network.Segment("seg-r4c6-S").IsArterial);
    }

    [Fact]
    public void Segment_lengths_come_from_the_seed_and_stay_within_the_block_range()
    {
        var options = new NetworkOptions();
        var first = RoadNetwork.Create(options, seed: 7);
        var again = RoadNetwork.Create(options, seed: 7);
        var other = RoadNetwork.Create(options, seed: 8);

        Assert.Equal(first.Segments, again.Segments);
        Assert.NotEqual(first.Segments.Select(s => s.LengthKm), other.Segments.Select(s => s.LengthKm));
        Assert.All(first.Segments, s => Assert.InRange(s.LengthKm, 0.25, 0.45));
        // Both directions of one block have the same length.
        Assert.Equal(first.Segment("seg-r2c2-E").LengthKm, first.Segment("seg-r2c3-W").LengthKm);
    }

    [Fact]
    public void An_unknown_segment_id_is_rejected_with_the_expected_shape()
    {
        var network = RoadNetwork.Create(new NetworkOptions(), seed: 1);

        var error = Assert.Throws<ArgumentException>(() => network.Segment("seg-r99c0-E"));
        Assert.Contains("seg-r99c0-E", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_grid_smaller_than_two_by_two_is_rejected()
    {
        Assert.Throws<ArgumentException>(() => RoadNetwork.Create(new NetworkOptions { Rows = 1 }, seed: 1));
    }

    [Fact]
    public void A_capacity_unreachable_below_jam_density_is_rejected()
    {
        var options = new NetworkOptions { CapacityPerLaneVehPerHour = 9000, LocalFreeFlowSpeedKmh = 40 };

        var error = Assert.Throws<ArgumentException>(() => RoadNetwork.Create(options, seed: 1));
        Assert.Contains("jam density", error.Message, StringComparison.Ordinal);
    }
}
