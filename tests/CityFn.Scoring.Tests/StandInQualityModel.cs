using CityFn.Core.Ingest;
using CityFn.Core.Scoring.Features;

namespace CityFn.Scoring.Tests;

/// <summary>
/// Test-only stand-in for a quality model (the tests serve the edge host's tiny MLP, 8 inputs, output "score"), from the first version of the stage, one row per device in the job (any kind), 8
/// columns from the device's readings in the job, ordered by time, on its kind's first channel unless said:
/// <list type="number">
/// <item>0: gap fraction: time steps longer than twice the median step;</item>
/// <item>1: stuck fraction: steps where the value did not change;</item>
/// <item>2: spike fraction: steps whose change exceeds 3 standard deviations of all changes;</item>
/// <item>3: edge fraction: readings of any channel within 1% of its physical range's ends;</item>
/// <item>4: mean, 5: standard deviation ×4, 6: last value, each relative to the channel's range (mean and last mapped to [-1, 1]);</item>
/// <item>7: log10(readings + 1) / 3.</item>
/// </list>
/// The score (output column 0) is read as the fault probability; quality = 1 − fault probability.
/// </summary>
public sealed class StandInQualityModel : IScoringModel
{
    public string Name => SensorQualityModel.ModelName;

    public ScoreOutputKind Output => ScoreOutputKind.Quality;

    public string InputName => "features";

    public string OutputName => "score";

    public int Columns => 8;

    public bool Scores(string kind) => SensorKinds.TryParse(kind, out _);

    public Task<FeatureMatrix> FeaturizeAsync(ScoreJob job, IReadOnlyList<ReadingRow> readings, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(job);
        ArgumentNullException.ThrowIfNull(readings);
        var rows = new List<FeatureRow>();
        var values = new List<float>();
        foreach (var device in readings.GroupBy(r => r.Device, StringComparer.Ordinal).OrderBy(g => g.Key, StringComparer.Ordinal))
        {
            if (!SensorKinds.TryParse(device.First().Kind, out var kind))
            {
                continue;
            }

            var channels = SensorKinds.Channels(kind);
            var ordered = device.OrderBy(r => r.Time).ThenBy(r => r.Sequence).ToList();
            var primary = ordered.Select(r => r.Channel(channels[0].Name) ?? 0).ToArray();
            var range = channels[0].Max - channels[0].Min;
            var steps = ordered.Zip(ordered.Skip(1), (a, b) => (b.Time - a.Time).TotalSeconds).ToArray();
            var changes = primary.Zip(primary.Skip(1), (a, b) => b - a).ToArray();
            var medianStep = steps.Length == 0 ? 0 : steps.Order().ElementAt(steps.Length / 2);
            var changeStd = StandardDeviation(changes);
            var edges = ordered.Sum(r => channels.Count(c => r.Channel(c.Name) is { } v && (v - c.Min <= 0.01 * (c.Max - c.Min) || c.Max - v <= 0.01 * (c.Max - c.Min))));

            values.Add(Fraction(steps.Count(s => medianStep > 0 && s > 2 * medianStep), steps.Length));
            values.Add(Fraction(changes.Count(c => c == 0), changes.Length));
            values.Add(Fraction(changes.Count(c => changeStd > 0 && Math.Abs(c) > 3 * changeStd), changes.Length));
            values.Add(Fraction(edges, ordered.Count * channels.Count));
            values.Add((float)((2 * (primary.Average() - channels[0].Min) / range) - 1));
            values.Add((float)Math.Min(4 * StandardDeviation(primary) / range, 1));
            values.Add((float)((2 * (primary[^1] - channels[0].Min) / range) - 1));
            values.Add((float)(Math.Log10(ordered.Count + 1) / 3));
            var last = new DateTimeOffset(DateTime.SpecifyKind(ordered[^1].Time, DateTimeKind.Utc));
            rows.Add(new FeatureRow(device.Key, SensorKinds.WireName(kind), 1, last, last));
        }

        return Task.FromResult(new FeatureMatrix(rows, [.. values], Columns));
    }

    private static float Fraction(int count, int total) => total == 0 ? 0 : (float)count / total;

    private static double StandardDeviation(double[] values)
    {
        if (values.Length < 2)
        {
            return 0;
        }

        var mean = values.Average();
        return Math.Sqrt(values.Sum(v => (v - mean) * (v - mean)) / values.Length);
    }
}
