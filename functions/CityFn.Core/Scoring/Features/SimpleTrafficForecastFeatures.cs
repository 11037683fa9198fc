using CityFn.Core.Ingest;

namespace CityFn.Core.Scoring.Features;

/// <summary>
/// First-version features of the "traffic-forecast" model, one row per road segment (a detector without a
/// segment is its own segment), 8 columns, all roughly in [-1, 1]:
/// <list type="number">
/// <item>0–2: mean flow / 2000 veh/h, occupancy / 100 %, speed / 100 km/h in the job's last minute;</item>
/// <item>3–5: the same means over the <see cref="ScoringOptions.HistoryMinutes"/> before that minute, from this
/// job's readings plus earlier capture files' minute aggregates (<see cref="IDetectorHistory"/>); the last
/// minute's value when there is no history;</item>
/// <item>6–7: sin and cos of the minute of day.</item>
/// </list>
/// The score (output column 0) is read as the congestion probability <see cref="Horizon"/> after the last minute.
/// </summary>
public sealed class SimpleTrafficForecastFeatures(IDetectorHistory history, ScoringOptions options) : IScoringModel
{
    public const string ModelName = "traffic-forecast";

    public static readonly TimeSpan Horizon = TimeSpan.FromMinutes(15);

    private static readonly string[] Channels = ["flow_veh_h", "occupancy_pct", "speed_kmh"];
    private static readonly double[] Scales = [2000, 100, 100];

    public string Name => ModelName;

    public ScoreOutputKind Output => ScoreOutputKind.Forecast;

    public string InputName => "features";

    public string OutputName => "score";

    public int Columns => 8;

    public bool Scores(string kind) => kind == "traffic";

    public async Task<FeatureMatrix> FeaturizeAsync(ScoreJob job, IReadOnlyList<ReadingRow> readings, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(job);
        ArgumentNullException.ThrowIfNull(readings);
        var traffic = readings.Where(r => r.Kind == "traffic").ToList();
        if (traffic.Count == 0)
        {
            return FeatureMatrix.Empty(Columns);
        }

        var lastMinute = Minute(traffic.Max(r => r.Time));
        var historyStart = lastMinute.AddMinutes(-options.HistoryMinutes);
        var earliestInJob = Minute(traffic.Min(r => r.Time));
        var devices = traffic.Select(r => r.Device).Distinct(StringComparer.Ordinal).ToList();
        var stored = options.HistoryMinutes > 0 && earliestInJob > historyStart
            ? await history.ReadAsync(devices, historyStart, earliestInJob, cancellationToken)
            : new Dictionary<string, IReadOnlyDictionary<string, ChannelHistory>>();

        var rows = new List<FeatureRow>();
        var values = new List<float>();
        foreach (var segment in traffic.GroupBy(r => r.Segment ?? r.Device, StringComparer.Ordinal).OrderBy(g => g.Key, StringComparer.Ordinal))
        {
            var last = segment.Where(r => Minute(r.Time) == lastMinute).ToList();
            var lastMeans = new double[3];
            if (last.Count == 0)
            {
                // The segment reported nothing in the last minute: use its own latest minute.
                var latest = Minute(segment.Max(r => r.Time));
                last = [.. segment.Where(r => Minute(r.Time) == latest)];
            }

            for (var c = 0; c < 3; c++)
            {
                lastMeans[c] = last.Select(r => Value(r, c)).Where(v => v is not null).Select(v => v!.Value).DefaultIfEmpty(0).Average();
            }

            var segmentDevices = segment.Select(r => r.Device).Distinct(StringComparer.Ordinal).ToList();
            for (var c = 0; c < 3; c++)
            {
                values.Add((float)(lastMeans[c] / Scales[c]));
            }

            for (var c = 0; c < 3; c++)
            {
                var inJob = segment.Where(r => Minute(r.Time) >= historyStart && Minute(r.Time) < lastMinute).Select(r => Value(r, c)).Where(v => v is not null).Select(v => v!.Value).ToList();
                var count = (long)inJob.Count;
                var sum = inJob.Sum();
                foreach (var device in segmentDevices)
                {
                    if (stored.TryGetValue(device, out var channels) && channels.TryGetValue(Channels[c], out var past))
                    {
                        count += past.Count;
                        sum += past.Sum;
                    }
                }

                values.Add((float)((count == 0 ? lastMeans[c] : sum / count) / Scales[c]));
            }

            var minuteOfDay = lastMinute.UtcDateTime.TimeOfDay.TotalMinutes;
            values.Add((float)Math.Sin(2 * Math.PI * minuteOfDay / 1440));
            values.Add((float)Math.Cos(2 * Math.PI * minuteOfDay / 1440));
            rows.Add(new FeatureRow(segment.Key, "traffic", segmentDevices.Count, lastMinute, lastMinute + TimeSpan.FromMinutes(1) + Horizon));
        }

        return new FeatureMatrix(rows, [.. values], Columns);
    }

    private static double? Value(ReadingRow row, int channel) => channel switch
    {
        0 => row.FlowVehH,
        1 => row.OccupancyPct,
        _ => row.SpeedKmh,
    };

    private static DateTimeOffset Minute(DateTime time)
    {
        var utc = DateTime.SpecifyKind(time, DateTimeKind.Utc);
        return new DateTimeOffset(utc.Ticks - (utc.Ticks % TimeSpan.TicksPerMinute), TimeSpan.Zero);
    }
}
