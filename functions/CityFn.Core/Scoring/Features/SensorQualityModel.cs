using CityFn.Core.Features;
using CityFn.Core.Ingest;

namespace CityFn.Core.Scoring.Features;

/// <summary>
/// The trained "sensor-quality" model (models/sensor-quality/1/model.onnx): one row per device in the job with a
/// reading in the window, <see cref="SensorQualityFeatures"/> (17 columns), output <c>fault_probability</c>.
/// </summary>
/// <remarks>
/// A device's 90 minutes end at the job's latest minute. Minutes before the job's first minute come from
/// ingest's stored minute aggregates (<see cref="IDetectorHistory.ReadMinutesAsync"/>, the earlier capture
/// files); the job's own minutes from its readings (the minute mean, as ingest stores it). Neighbours are the
/// up to <see cref="MaxNeighbours"/> nearest devices of the same kind in the same job within
/// <see cref="NeighbourRadiusMetres"/>: devices of other capture files do not count as neighbours.
/// A device is judged only on a full window: its first reading in the 90 minutes must be at or before the
/// window's first minute. A device that has not been sending that long (a new device, or the first half hour
/// after a deployment starts) has a window that looks like a dropout to the model, which was trained on full
/// windows; it gets no score yet rather than a false fault (rewards then use Rewards__UnscoredQuality).
/// </remarks>
public sealed class SensorQualityModel(IDetectorHistory history) : IScoringModel
{
    public const string ModelName = "sensor-quality";

    public const int MaxNeighbours = 4;

    public const double NeighbourRadiusMetres = 1500;

    public string Name => ModelName;

    public ScoreOutputKind Output => ScoreOutputKind.Quality;

    public string InputName => "features";

    public string OutputName => "fault_probability";

    public int Columns => SensorQualityFeatures.Count;

    public bool Scores(string kind) => SensorKinds.TryParse(kind, out _);

    public async Task<FeatureMatrix> FeaturizeAsync(ScoreJob job, IReadOnlyList<ReadingRow> readings, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(job);
        ArgumentNullException.ThrowIfNull(readings);
        var known = readings.Where(r => SensorKinds.TryParse(r.Kind, out _)).ToList();
        if (known.Count == 0)
        {
            return FeatureMatrix.Empty(Columns);
        }

        var lastMinute = Minute(known.Max(r => r.Time));
        var historyStart = lastMinute.AddMinutes(1 - SensorQualityFeatures.HistoryMinutes);
        var firstInJob = Minute(known.Min(r => r.Time));
        var devices = known.GroupBy(r => r.Device, StringComparer.Ordinal).OrderBy(g => g.Key, StringComparer.Ordinal).ToList();
        var stored = firstInJob > historyStart
            ? await history.ReadMinutesAsync([.. devices.Select(d => d.Key)], historyStart, firstInJob, cancellationToken)
            : new Dictionary<string, IReadOnlyDictionary<DateTimeOffset, IReadOnlyDictionary<string, ChannelHistory>>>();

        var series = new Dictionary<string, (SensorKind Kind, double Lat, double Lon, double[] Values)>(StringComparer.Ordinal);
        foreach (var device in devices)
        {
            SensorKinds.TryParse(device.First().Kind, out var kind);
            var first = device.First();
            series[device.Key] = (kind, first.Lat, first.Lon, Series(kind, device, stored.GetValueOrDefault(device.Key), historyStart, firstInJob));
        }

        var rows = new List<FeatureRow>();
        var values = new List<float>();
        var row = new float[Columns];
        foreach (var (device, (kind, lat, lon, own)) in series)
        {
            var neighbours = series
                .Where(other => other.Key != device && other.Value.Kind == kind)
                .Select(other => (other.Value.Values, Distance: Metres(lat, lon, other.Value.Lat, other.Value.Lon)))
                .Where(other => other.Distance <= NeighbourRadiusMetres)
                .OrderBy(other => other.Distance)
                .Take(MaxNeighbours)
                .Select(other => (ReadOnlyMemory<double>)other.Values)
                .ToList();
            if (!HasFullWindow(own, SensorQualityFeatures.TypicalVariation(kind).Count)
                || !SensorQualityFeatures.TryCompute(kind, own, neighbours, row))
            {
                continue;
            }

            values.AddRange(row);
            var end = lastMinute.AddMinutes(1);
            rows.Add(new FeatureRow(device, SensorKinds.WireName(kind), 1, end, end));
        }

        return new FeatureMatrix(rows, [.. values], Columns);
    }

    /// <summary>Whether the device reported at or before the scored window's first minute (see the remarks).</summary>
    private static bool HasFullWindow(double[] values, int channels)
    {
        const int windowStart = SensorQualityFeatures.HistoryMinutes - SensorQualityFeatures.WindowMinutes;
        for (var i = 0; i < (windowStart + 1) * channels; i++)
        {
            if (!double.IsNaN(values[i]))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>Row-major [minute, channel] minute means over the 90 minutes, NaN where a minute has no value.</summary>
    private static double[] Series(
        SensorKind kind,
        IEnumerable<ReadingRow> readings,
        IReadOnlyDictionary<DateTimeOffset, IReadOnlyDictionary<string, ChannelHistory>>? stored,
        DateTimeOffset historyStart,
        DateTimeOffset firstInJob)
    {
        var channels = SensorKinds.Channels(kind);
        var values = new double[SensorQualityFeatures.HistoryMinutes * channels.Count];
        Array.Fill(values, double.NaN);
        foreach (var (minute, buckets) in stored ?? new Dictionary<DateTimeOffset, IReadOnlyDictionary<string, ChannelHistory>>())
        {
            var t = (int)(minute - historyStart).TotalMinutes;
            if (t < 0 || t >= SensorQualityFeatures.HistoryMinutes || minute >= firstInJob)
            {
                continue;
            }

            for (var c = 0; c < channels.Count; c++)
            {
                if (buckets.TryGetValue(channels[c].Name, out var bucket) && bucket.Mean is { } mean)
                {
                    values[(t * channels.Count) + c] = mean;
                }
            }
        }

        foreach (var minute in readings.GroupBy(r => Minute(r.Time)))
        {
            var t = (int)(minute.Key - historyStart).TotalMinutes;
            if (t < 0 || t >= SensorQualityFeatures.HistoryMinutes)
            {
                continue;
            }

            for (var c = 0; c < channels.Count; c++)
            {
                var present = minute.Select(r => r.Channel(channels[c].Name)).Where(v => v is not null).Select(v => v!.Value).ToList();
                if (present.Count > 0)
                {
                    values[(t * channels.Count) + c] = present.Average();
                }
            }
        }

        return values;
    }

    private static double Metres(double lat1, double lon1, double lat2, double lon2)
    {
        const double earthRadius = 6_371_000;
        var dLat = (lat2 - lat1) * Math.PI / 180;
        var dLon = (lon2 - lon1) * Math.PI / 180;
        var a = (Math.Sin(dLat / 2) * Math.Sin(dLat / 2))
            + (Math.Cos(lat1 * Math.PI / 180) * Math.Cos(lat2 * Math.PI / 180) * Math.Sin(dLon / 2) * Math.Sin(dLon / 2));
        return 2 * earthRadius * Math.Asin(Math.Min(1, Math.Sqrt(a)));
    }

    private static DateTimeOffset Minute(DateTime time)
    {
        var utc = DateTime.SpecifyKind(time, DateTimeKind.Utc);
        return new DateTimeOffset(utc.Ticks - (utc.Ticks % TimeSpan.TicksPerMinute), TimeSpan.Zero);
    }
}
