using CityFn.Core.Features;
using CityFn.Core.Ingest;

namespace CityFn.Core.Scoring.Features;

/// <summary>
/// The trained "sensor-quality" model (models/sensor-quality/1/model.onnx): one row per device in the job with a
/// reading in the window, <see cref="SensorQualityFeatures"/> (<see cref="SensorQualityFeatures.Count"/> columns), output <c>fault_probability</c>.
/// </summary>
/// <remarks>
/// A device's 90 minutes end at the job's latest minute: per minute and channel the mean of its readings in every
/// capture file ingested so far (<see cref="IDetectorHistory.ReadMinutesAsync"/>) plus the job's own. Neighbours are
/// defined as training defines them (models/CityFn.Training QualitySamples): the up to <see cref="MaxNeighbours"/>
/// nearest <b>registered</b> devices of the same kind within <see cref="NeighbourRadiusMetres"/>, nearest first, ties
/// by address, whatever capture file (partition) their readings came in, each with its 90 minutes (NaN where it sent
/// nothing, as a silent simulated device is in training).
/// A device is judged only on a full window: its first reading in the 90 minutes must be at or before the
/// window's first minute. A device that has not been sending that long (a new device, or the first half hour
/// after a deployment starts) has a window that looks like a dropout to the model, which was trained on full
/// windows; it gets no score yet rather than a false fault (rewards then use Rewards__UnscoredQuality).
/// </remarks>
public sealed class SensorQualityModel(IDetectorHistory history, CityLayoutCache layouts) : IScoringModel
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

        var lastMinute = MinuteSeries.Minute(known.Max(r => r.Time));
        var historyStart = lastMinute.AddMinutes(1 - SensorQualityFeatures.HistoryMinutes);
        var end = lastMinute.AddMinutes(1);
        var stored = await history.ReadMinutesAsync(historyStart, end, job.ReadingsBlob, cancellationToken);
        stored.AddReadings(known, historyStart, end);
        var layout = await layouts.GetAsync(cancellationToken);

        // Candidates: every registered device, plus the job's own (a device registered after the layout was read).
        var places = layout.Devices.ToDictionary(d => d.Device, d => (d.Kind, d.Location.Lat, d.Location.Lon), StringComparer.Ordinal);
        var devices = known.GroupBy(r => r.Device, StringComparer.Ordinal).OrderBy(g => g.Key, StringComparer.Ordinal).ToList();
        foreach (var device in devices)
        {
            var first = device.First();
            SensorKinds.TryParse(first.Kind, out var readingKind);
            places.TryAdd(device.Key, (readingKind, first.Lat, first.Lon));
        }

        var byKind = places.GroupBy(p => p.Value.Kind).ToDictionary(g => g.Key, g => g.ToList());
        var series = new Dictionary<string, double[]>(StringComparer.Ordinal);
        double[] SeriesOf(string device, SensorKind kind)
        {
            if (!series.TryGetValue(device, out var values))
            {
                series[device] = values = Series(kind, device, stored, historyStart);
            }

            return values;
        }

        var rows = new List<FeatureRow>();
        var values = new List<float>();
        var row = new float[Columns];
        foreach (var device in devices)
        {
            var (kind, lat, lon) = places[device.Key];
            var own = SeriesOf(device.Key, kind);
            if (!HasFullWindow(own, SensorQualityFeatures.TypicalVariation(kind).Count))
            {
                continue;
            }

            var neighbours = byKind[kind]
                .Where(other => other.Key != device.Key)
                .Select(other => (other.Key, Distance: Metres(lat, lon, other.Value.Lat, other.Value.Lon)))
                .Where(other => other.Distance <= NeighbourRadiusMetres)
                .OrderBy(other => other.Distance)
                .ThenBy(other => other.Key, StringComparer.Ordinal)
                .Take(MaxNeighbours)
                .Select(other => (ReadOnlyMemory<double>)SeriesOf(other.Key, kind))
                .ToList();
            if (!SensorQualityFeatures.TryCompute(kind, own, neighbours, row))
            {
                continue;
            }

            values.AddRange(row);
            rows.Add(new FeatureRow(device.Key, SensorKinds.WireName(kind), 1, end, end));
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
    private static double[] Series(SensorKind kind, string device, MinuteHistory stored, DateTimeOffset historyStart)
    {
        var channels = SensorKinds.Channels(kind);
        var values = new double[SensorQualityFeatures.HistoryMinutes * channels.Count];
        Array.Fill(values, double.NaN);
        foreach (var (minute, buckets) in stored.Minutes(device))
        {
            var t = (int)(minute - historyStart).TotalMinutes;
            if (t < 0 || t >= SensorQualityFeatures.HistoryMinutes)
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

        return values;
    }

    /// <summary>
    /// Metres between two positions on a local flat-earth projection (111,320 m per degree of latitude, longitude
    /// scaled by the cosine of the mean latitude): the mapping the city simulator uses, so the 1.5 km radius picks the
    /// same neighbours here as from the simulator's metres in training; within a city it differs from a great-circle
    /// distance by about 0.1 %.
    /// </summary>
    public static double Metres(double lat1, double lon1, double lat2, double lon2)
    {
        const double metresPerDegree = 111_320;
        var dy = (lat2 - lat1) * metresPerDegree;
        var dx = (lon2 - lon1) * metresPerDegree * Math.Cos((lat1 + lat2) / 2 * Math.PI / 180);
        return Math.Sqrt((dx * dx) + (dy * dy));
    }
}
