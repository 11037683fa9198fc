using CityFn.Core.Ingest;
using CityFn.Core.Scoring.Features;

namespace CityFn.Scoring.Tests;

/// <summary>
/// Test-only stand-in for a forecast model that the edge host's tiny MLP (8 inputs, output "score") can serve:
/// one row per road segment in the job, 8 columns from its readings — mean flow / 2000, occupancy / 100 and
/// speed / 100 in the job's last minute and over the whole job, then sin and cos of the minute of day. The
/// fan-out tests check routing, hedging and verification, not forecast quality: the trained model and its
/// features are tested in TrafficForecastModelTests and CityHourTests.
/// </summary>
public sealed class StandInForecastModel : IScoringModel
{
    private static readonly string[] Channels = ["flow_veh_h", "occupancy_pct", "speed_kmh"];
    private static readonly double[] Scales = [2000, 100, 100];

    public string Name => TrafficForecastModel.ModelName;

    public ScoreOutputKind Output => ScoreOutputKind.Forecast;

    public string InputName => "features";

    public string OutputName => "score";

    public int Columns => 8;

    public bool Scores(string kind) => kind == "traffic";

    public Task<FeatureMatrix> FeaturizeAsync(ScoreJob job, IReadOnlyList<ReadingRow> readings, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(readings);
        var traffic = readings.Where(r => r.Kind == "traffic").ToList();
        if (traffic.Count == 0)
        {
            return Task.FromResult(FeatureMatrix.Empty(Columns));
        }

        var lastMinute = Minute(traffic.Max(r => r.Time));
        var rows = new List<FeatureRow>();
        var values = new List<float>();
        foreach (var segment in traffic.GroupBy(r => r.Segment ?? r.Device, StringComparer.Ordinal).OrderBy(g => g.Key, StringComparer.Ordinal))
        {
            var last = segment.Where(r => Minute(r.Time) == lastMinute).DefaultIfEmpty(segment.MaxBy(r => r.Time)!).ToList();
            for (var c = 0; c < 3; c++)
            {
                values.Add((float)(last.Select(r => r.Channel(Channels[c])).OfType<double>().DefaultIfEmpty(0).Average() / Scales[c]));
            }

            for (var c = 0; c < 3; c++)
            {
                values.Add((float)(segment.Select(r => r.Channel(Channels[c])).OfType<double>().DefaultIfEmpty(0).Average() / Scales[c]));
            }

            var minuteOfDay = lastMinute.UtcDateTime.TimeOfDay.TotalMinutes;
            values.Add((float)Math.Sin(2 * Math.PI * minuteOfDay / 1440));
            values.Add((float)Math.Cos(2 * Math.PI * minuteOfDay / 1440));
            rows.Add(new FeatureRow(segment.Key, "traffic", segment.Select(r => r.Device).Distinct(StringComparer.Ordinal).Count(), lastMinute, lastMinute.AddMinutes(15)));
        }

        return Task.FromResult(new FeatureMatrix(rows, [.. values], Columns));
    }

    private static DateTimeOffset Minute(DateTime time)
    {
        var utc = DateTime.SpecifyKind(time, DateTimeKind.Utc);
        return new DateTimeOffset(utc.Ticks - (utc.Ticks % TimeSpan.TicksPerMinute), TimeSpan.Zero);
    }
}
