using CityFn.Core.Features;
using CityFn.Core.Ingest;

namespace CityFn.Models.Tests.Features;

public sealed class SensorQualityFeaturesTests
{
    private const int Minutes = SensorQualityFeatures.HistoryMinutes;

    [Fact]
    public void A_constant_series_has_a_stuck_run_of_its_whole_history()
    {
        var row = Compute(SensorKind.Noise, Enumerable.Repeat(55.0, Minutes).ToArray());

        Assert.Equal(Minutes, Feature(row, "stuck_run_minutes"));
    }

    [Fact]
    public void A_healthy_noisy_series_has_no_stuck_run_and_no_replay()
    {
        var row = Compute(SensorKind.Noise, Healthy(seed: 1));

        Assert.True(Feature(row, "stuck_run_minutes") <= 3);
        Assert.True(Feature(row, "replay_match") < 0.3f);
        Assert.Equal(0, Feature(row, "gap_ratio"));
    }

    [Fact]
    public void A_single_spike_gives_a_high_spike_score()
    {
        var healthy = Compute(SensorKind.Noise, Healthy(seed: 2));
        var series = Healthy(seed: 2);
        series[Minutes - 5] += 40; // 8 typical variations of 5 dB
        var spiked = Compute(SensorKind.Noise, series);

        Assert.True(Feature(spiked, "spike_score") > 3 * Feature(healthy, "spike_score"));
        Assert.True(Feature(spiked, "jump_score") >= 7);
    }

    [Fact]
    public void A_replayed_stretch_matches_the_readings_it_repeats()
    {
        var series = Healthy(seed: 3);
        // The last 15 minutes re-send what the device sent 40 minutes earlier.
        for (var t = Minutes - 15; t < Minutes; t++)
        {
            series[t] = series[t - 40];
        }

        var row = Compute(SensorKind.Noise, series);

        Assert.True(Feature(row, "replay_match") >= 0.5f);
    }

    [Fact]
    public void Gaps_and_an_empty_window_are_counted_or_refused()
    {
        var series = Healthy(seed: 4);
        for (var t = Minutes - 6; t < Minutes; t++)
        {
            series[t] = double.NaN;
        }

        Assert.Equal(0.2f, Feature(Compute(SensorKind.Noise, series), "gap_ratio"), 1e-6);
        var empty = Enumerable.Repeat(double.NaN, Minutes).ToArray();
        Assert.False(SensorQualityFeatures.TryCompute(SensorKind.Noise, empty, [], new float[SensorQualityFeatures.Count]));
    }

    [Fact]
    public void Deviation_from_the_neighbours_median_is_in_typical_variations_and_zero_without_neighbours()
    {
        var neighbour = Healthy(seed: 5);
        var offset = neighbour.Select(v => v + 15).ToArray(); // 3 typical variations of noise level above
        var row = new float[SensorQualityFeatures.Count];

        Assert.True(SensorQualityFeatures.TryCompute(SensorKind.Noise, offset, [neighbour, neighbour, neighbour], row));
        Assert.Equal(3, Feature(row, "neighbour_deviation"), 1e-4);
        Assert.Equal(3, Feature(row, "neighbour_count"));
        Assert.Equal(1, Feature(row, "kind_noise"));

        Assert.Equal(0, Feature(Compute(SensorKind.Noise, offset), "neighbour_deviation"));
    }

    [Fact]
    public void A_switch_to_another_stream_is_a_step_against_the_devices_past_and_its_neighbours()
    {
        var neighbours = new[] { Healthy(seed: 7), Healthy(seed: 8), Healthy(seed: 9) };
        var healthy = Healthy(seed: 6);
        // From minute 40 on the device sends a stream 10 dB (2 typical variations) above its street.
        var switched = healthy.Select((v, t) => t >= 40 ? v + 10 : v).ToArray();
        var before = new float[SensorQualityFeatures.Count];
        var after = new float[SensorQualityFeatures.Count];

        Assert.True(SensorQualityFeatures.TryCompute(SensorKind.Noise, healthy, [.. neighbours.Select(n => (ReadOnlyMemory<double>)n)], before));
        Assert.True(SensorQualityFeatures.TryCompute(SensorKind.Noise, switched, [.. neighbours.Select(n => (ReadOnlyMemory<double>)n)], after));

        Assert.InRange(Feature(after, "neighbour_step"), 1.7f, 2.3f);
        Assert.True(Feature(before, "neighbour_step") < 0.5f);
        Assert.True(Feature(after, "neighbour_step_significance") > 4 * Feature(before, "neighbour_step_significance"));
        Assert.True(Feature(after, "own_step") > 1.5f);
        Assert.True(Feature(before, "own_step") < 1f);
        Assert.True(Feature(after, "own_step_significance") > Feature(before, "own_step_significance"));
        Assert.Equal(0, Feature(Compute(SensorKind.Noise, switched), "neighbour_step"));
    }

    [Fact]
    public void A_device_that_follows_its_streets_fluctuations_correlates_with_its_neighbours_once_the_trend_is_removed()
    {
        // The street wiggles (period ≈ 19 minutes) on top of a rising trend; a fabricated stream has the trend only.
        double Street(int t) => 55 + (0.1 * t) + (3 * Math.Sin(t / 3.0));
        var neighbours = Enumerable.Range(10, 3).Select(seed => (ReadOnlyMemory<double>)Noisy(Street, seed)).ToArray();
        var following = new float[SensorQualityFeatures.Count];
        var fabricated = new float[SensorQualityFeatures.Count];

        Assert.True(SensorQualityFeatures.TryCompute(SensorKind.Noise, Noisy(Street, 13), neighbours, following));
        Assert.True(SensorQualityFeatures.TryCompute(SensorKind.Noise, Noisy(t => 55 + (0.1 * t), 14), neighbours, fabricated));

        Assert.True(Feature(following, "neighbour_detrended_correlation") > 0.8f);
        Assert.True(Feature(fabricated, "neighbour_detrended_correlation") < 0.5f);
    }

    [Fact]
    public void Noise_around_a_line_hardly_persists_but_a_level_change_inside_the_window_does()
    {
        var line = Noisy(t => 50 + (0.05 * t), 15);
        var stepped = line.Select((v, t) => t >= 75 ? v + 10 : v).ToArray();

        Assert.True(Feature(Compute(SensorKind.Noise, line), "residual_autocorrelation") < 0.4f);
        Assert.True(Feature(Compute(SensorKind.Noise, stepped), "residual_autocorrelation") > 0.5f);
    }

    [Fact]
    public void Cross_channel_correlation_pairs_the_first_and_last_channel_and_is_zero_for_one_channel()
    {
        // Weather: temperature rises while humidity falls.
        var random = new Random(16);
        var weather = new double[Minutes * 2];
        for (var t = 0; t < Minutes; t++)
        {
            weather[2 * t] = 10 + (0.1 * t) + (0.05 * Gaussian(random));
            weather[(2 * t) + 1] = 80 - (0.3 * t) + (0.5 * Gaussian(random));
        }

        Assert.True(Feature(Compute(SensorKind.Weather, weather), "cross_channel_correlation") < -0.9f);
        Assert.Equal(0, Feature(Compute(SensorKind.Noise, Healthy(seed: 17)), "cross_channel_correlation"));
    }

    [Fact]
    public void A_history_with_the_wrong_channel_count_is_refused()
    {
        var error = Assert.Throws<ArgumentException>(() => SensorQualityFeatures.TryCompute(
            SensorKind.Air, new double[Minutes], [], new float[SensorQualityFeatures.Count]));

        Assert.Contains("90 minutes × 3 channels", error.Message, StringComparison.Ordinal);
    }

    /// <summary>A street's noise level: a slow swing with 0.8 dB measurement noise, rounded like a device.</summary>
    private static double[] Healthy(int seed)
    {
        var random = new Random(seed);
        return [.. Enumerable.Range(0, Minutes).Select(t => Math.Round(62 + (4 * Math.Sin(t / 20.0)) + (0.8 * Gaussian(random)), 1))];
    }

    /// <summary>A curve plus 0.8 dB measurement noise, rounded like a device.</summary>
    private static double[] Noisy(Func<int, double> curve, int seed)
    {
        var random = new Random(seed);
        return [.. Enumerable.Range(0, Minutes).Select(t => Math.Round(curve(t) + (0.8 * Gaussian(random)), 1))];
    }

    private static double Gaussian(Random random) =>
        Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble());

    private static float[] Compute(SensorKind kind, double[] history)
    {
        var row = new float[SensorQualityFeatures.Count];
        Assert.True(SensorQualityFeatures.TryCompute(kind, history, [], row));
        return row;
    }

    private static float Feature(float[] row, string name) => row[SensorQualityFeatures.Names.ToList().IndexOf(name)];
}
