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
