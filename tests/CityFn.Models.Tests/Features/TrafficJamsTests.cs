using CityFn.Core.Features;

namespace CityFn.Models.Tests.Features;

public sealed class TrafficJamsTests
{
    [Fact]
    public void A_street_that_fell_to_walking_pace_ten_minutes_ago_is_a_new_jam_of_ten_minutes()
    {
        var window = Enumerable.Range(0, 60).Select(i => new DetectorMinute(900, 10, i < 50 ? 60 : 4)).ToArray();

        var state = TrafficJams.StateOf(window, double.NaN);

        Assert.True(state.Jammed);
        Assert.Equal(10, state.JammedMinutes);
        Assert.True(state.IsNew);
    }

    [Fact]
    public void A_jam_older_than_15_minutes_is_not_new_and_a_dip_in_the_last_minute_alone_is_no_jam()
    {
        var old = Enumerable.Range(0, 60).Select(i => new DetectorMinute(900, 10, i < 30 ? 60 : 4)).ToArray();
        var dip = Enumerable.Range(0, 60).Select(i => new DetectorMinute(900, 10, i < 59 ? 60 : 20)).ToArray();

        Assert.Equal(new JamState(true, 30), TrafficJams.StateOf(old, 60));
        Assert.False(TrafficJams.StateOf(old, 60).IsNew);
        // The 5-minute mean (52 km/h) is well above half the best speed: one slow minute is noise, not a queue.
        Assert.Equal(new JamState(false, 1), TrafficJams.StateOf(dip, 60));
    }

    [Fact]
    public void A_queue_older_than_the_window_is_a_jam_against_the_free_flow_speed_but_invisible_without_it()
    {
        var standing = Enumerable.Repeat(new DetectorMinute(200, 80, 6), 60).ToArray();

        Assert.Equal(new JamState(true, 60), TrafficJams.StateOf(standing, 50));
        // Without the map the hour's best speed (the queue's own 6 km/h) is the reference, and nothing is below half of it.
        Assert.False(TrafficJams.StateOf(standing, double.NaN).Jammed);
    }

    [Fact]
    public void A_detector_without_recent_readings_is_unknown_and_counts_as_free()
    {
        var silent = Enumerable.Repeat(DetectorMinute.Missing, 60).ToArray();

        Assert.Equal(JamState.Unknown, TrafficJams.StateOf(silent, 60));
    }

    [Fact]
    public void Rings_hold_each_segment_once_at_its_shortest_distance_and_never_the_start()
    {
        // a → b → c → d, and a → c directly: c is one hop away, d two.
        var next = new Dictionary<string, string[]> { ["a"] = ["b", "c"], ["b"] = ["c"], ["c"] = ["d", "a"], ["d"] = [] };

        var rings = TrafficJams.Rings("a", s => next[s], StringComparer.Ordinal);

        Assert.Equal(TrafficJams.MaxHops, rings.Count);
        Assert.Equal(["b", "c"], rings[0]);
        Assert.Equal(["d"], rings[1]);
        Assert.All(rings.Skip(2), ring => Assert.Empty(ring));
    }

    [Fact]
    public void The_surroundings_count_hops_to_the_nearest_jam_each_way_and_the_jams_within_three_hops()
    {
        IReadOnlyList<IReadOnlyList<string>> downstream = [["d1"], ["d2", "d2b"], ["d3"], ["d4"], [], [], [], []];
        IReadOnlyList<IReadOnlyList<string>> upstream = [["u1"], [], [], [], [], [], [], []];
        var states = new Dictionary<string, JamState>
        {
            ["d2b"] = new(true, 40),
            ["d3"] = new(true, 5),
            ["d4"] = new(true, 5),
        };

        var around = TrafficJams.Around(downstream, upstream, s => states.GetValueOrDefault(s, JamState.Unknown));

        Assert.Equal(new JamSurroundings(HopsDownstream: 2, JammedNearby: 2, HopsUpstream: TrafficJams.NoJam, NewJamHopsDownstream: 3), around);
    }
}
