using CityFn.Core.Features;

namespace CityFn.Models.Tests.Features;

public sealed class TrafficForecastFeaturesTests
{
    private static readonly DateTimeOffset Latest = new(2026, 3, 2, 7, 59, 0, TimeSpan.Zero);

    [Fact]
    public void A_slowing_detector_shows_a_negative_speed_change_and_its_own_speed_ratio()
    {
        // 60 km/h for 45 minutes, then down 2 km/h a minute to 32 km/h.
        var history = Enumerable.Range(0, 60).Select(i => new DetectorMinute(900, 10, i < 45 ? 60 : 60 - (2 * (i - 44)))).ToArray();

        var row = Compute(history);

        Assert.Equal(30, Feature(row, "speed_kmh"));
        Assert.Equal(60, Feature(row, "speed_max_60min_kmh"));
        Assert.Equal(0.5f, Feature(row, "speed_ratio_to_max_60min"));
        // Mean of the last 5 minutes (38..30 → 34) minus the mean of minutes 6–10 back (48..40 → 44).
        Assert.Equal(-10, Feature(row, "speed_change_5min_kmh"), 1e-4);
        Assert.Equal(0f, Feature(row, "weekend"));
    }

    [Fact]
    public void Missing_minutes_are_carried_forward_so_a_gap_changes_nothing_when_the_value_did_not()
    {
        var steady = Enumerable.Repeat(new DetectorMinute(900, 10, 50), 60).ToArray();
        var gappy = (DetectorMinute[])steady.Clone();
        for (var i = 50; i < 58; i++)
        {
            gappy[i] = DetectorMinute.Missing;
        }

        Assert.Equal(Compute(steady), Compute(gappy));
    }

    [Fact]
    public void A_detector_silent_for_its_latest_15_minutes_gets_no_features()
    {
        var history = Enumerable.Repeat(new DetectorMinute(900, 10, 50), 60).ToArray();
        for (var i = 45; i < 60; i++)
        {
            history[i] = DetectorMinute.Missing;
        }

        Assert.False(TrafficForecastFeatures.TryCompute(history, Latest, [], [], JamSurroundings.None, double.NaN, double.NaN, new float[TrafficForecastFeatures.Count]));
    }

    [Fact]
    public void A_queue_downstream_shows_in_the_downstream_features_and_the_detector_itself_stands_in_when_there_is_none()
    {
        var own = Enumerable.Repeat(new DetectorMinute(900, 10, 60), 60).ToArray();
        // Downstream ran at 50 km/h, then a queue reached its detector 20 minutes ago.
        var jammed = Enumerable.Range(0, 60).Select(i => i < 40 ? new DetectorMinute(900, 10, 50) : new DetectorMinute(100, 90, 5)).ToArray();
        var withQueue = new float[TrafficForecastFeatures.Count];
        var alone = new float[TrafficForecastFeatures.Count];

        Assert.True(TrafficForecastFeatures.TryCompute(own, Latest, [jammed, own], [], JamSurroundings.None, double.NaN, double.NaN, withQueue));
        Assert.True(TrafficForecastFeatures.TryCompute(own, Latest, [], [], JamSurroundings.None, double.NaN, double.NaN, alone));

        Assert.Equal(90, Feature(withQueue, "downstream_occupancy_max_pct"));
        Assert.Equal(0.1f, Feature(withQueue, "downstream_speed_ratio_min"), 1e-6);
        Assert.Equal(10, Feature(alone, "downstream_occupancy_max_pct"));
        Assert.Equal(1f, Feature(alone, "downstream_speed_ratio_min"));
    }

    [Fact]
    public void Without_history_the_latest_speed_stands_in_for_the_historical_speed()
    {
        var history = Enumerable.Repeat(new DetectorMinute(900, 10, 42), 60).ToArray();
        var row = new float[TrafficForecastFeatures.Count];

        Assert.True(TrafficForecastFeatures.TryCompute(history, Latest, [], [], JamSurroundings.None, double.NaN, double.NaN, row));

        Assert.Equal(42, Feature(row, "historical_speed_kmh"));
        Assert.Equal(0, Feature(row, "historical_minus_latest_kmh"));
    }

    [Fact]
    public void A_history_of_the_wrong_length_is_refused_with_the_expected_length()
    {
        var error = Assert.Throws<ArgumentException>(() => TrafficForecastFeatures.TryCompute(
            new DetectorMinute[30], Latest, [], [], JamSurroundings.None, double.NaN, double.NaN, new float[TrafficForecastFeatures.Count]));

        Assert.Contains("exactly 60 minutes", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void The_jams_around_the_detector_are_its_last_four_features()
    {
        var history = Enumerable.Repeat(new DetectorMinute(900, 10, 50), 60).ToArray();
        var row = new float[TrafficForecastFeatures.Count];

        Assert.True(TrafficForecastFeatures.TryCompute(history, Latest, [], [], new JamSurroundings(2, 3, TrafficJams.NoJam, 4), double.NaN, double.NaN, row));

        Assert.Equal(2, Feature(row, "jam_hops_downstream"));
        Assert.Equal(3, Feature(row, "jammed_segments_within_3_hops"));
        Assert.Equal(9, Feature(row, "jam_hops_upstream"));
        Assert.Equal(4, Feature(row, "new_jam_hops_downstream"));
    }

    [Fact]
    public void The_speed_ratio_to_free_flow_uses_the_maps_speed_and_falls_back_to_the_best_of_the_hour()
    {
        // An hour-long queue at 6 km/h on a 50 km/h street: the hour's best is the queue itself.
        var history = Enumerable.Repeat(new DetectorMinute(200, 80, 6), 60).ToArray();
        var withMap = new float[TrafficForecastFeatures.Count];
        var withoutMap = new float[TrafficForecastFeatures.Count];

        Assert.True(TrafficForecastFeatures.TryCompute(history, Latest, [], [], JamSurroundings.None, double.NaN, 50, withMap));
        Assert.True(TrafficForecastFeatures.TryCompute(history, Latest, [], [], JamSurroundings.None, double.NaN, double.NaN, withoutMap));

        Assert.Equal(0.12f, Feature(withMap, "speed_ratio_to_free_flow"), 1e-6);
        Assert.Equal(1f, Feature(withoutMap, "speed_ratio_to_free_flow"));
    }

    [Fact]
    public void Feature_names_are_unique_and_match_the_count()
    {
        Assert.Equal(TrafficForecastFeatures.Count, TrafficForecastFeatures.Names.Distinct().Count());
        Assert.Equal("speed_kmh", TrafficForecastFeatures.Names[TrafficForecastFeatures.SpeedColumn]);
    }

    private static float[] Compute(DetectorMinute[] history)
    {
        var row = new float[TrafficForecastFeatures.Count];
        Assert.True(TrafficForecastFeatures.TryCompute(history, Latest, [], [], JamSurroundings.None, double.NaN, double.NaN, row));
        return row;
    }

    private static float Feature(float[] row, string name) => row[TrafficForecastFeatures.Names.ToList().IndexOf(name)];
}
