using CityFn.Core.Features;
using CityFn.Core.Ingest;

namespace CityFn.Core.Scoring.Features;

/// <summary>
/// The trained "traffic-forecast" model (models/traffic-forecast/1/model.onnx): one row per road segment that has
/// a detector in the job, <see cref="TrafficForecastFeatures"/> (32 columns, the code training used), output
/// <c>speed_kmh_15min</c> = the segment's mean speed in km/h over the <see cref="TrafficForecastFeatures.TargetMinutes"/>
/// minutes starting <see cref="TrafficForecastFeatures.HorizonMinutes"/> minutes after the job's latest minute (the
/// row's <c>For</c> time).
/// </summary>
/// <remarks>
/// Per segment the stage builds 60 one-minute flow/occupancy/speed values ending at the job's latest minute
/// (docs/scoring.md): the minute means of every ingested capture file's readings (<see cref="IDetectorHistory.ReadMinutesAsync"/>)
/// together with the job's own readings; several detectors on one segment are averaged per minute.
/// Upstream and downstream neighbours are the segments the road network map names, with the detectors registered
/// on them; the jam features follow the map up to <see cref="TrafficJams.MaxHops"/> streets each way; local time comes from the map's time zone. The historical speed is the mean of the segment's speed
/// at the same local minute on up to <see cref="ScoringOptions.HistoricalDays"/> earlier weekdays, as training
/// built it (weekdays only); NaN on weekends or without such history, which the features define as "the latest
/// speed stands in".
/// </remarks>
public sealed class TrafficForecastModel(IDetectorHistory history, CityLayoutCache layouts, ScoringOptions options) : IScoringModel
{
    public const string ModelName = "traffic-forecast";

    private const int Minutes = TrafficForecastFeatures.HistoryMinutes;

    public string Name => ModelName;

    public ScoreOutputKind Output => ScoreOutputKind.Forecast;

    public string InputName => "features";

    public string OutputName => "speed_kmh_15min";

    public int Columns => TrafficForecastFeatures.Count;

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

        var layout = await layouts.GetAsync(cancellationToken);
        var lastMinute = MinuteSeries.Minute(traffic.Max(r => r.Time));
        var windowStart = lastMinute.AddMinutes(1 - Minutes);
        var registered = layout.Devices.ToDictionary(d => d.Device, d => d.Location.Segment, StringComparer.Ordinal);
        string SegmentOf(ReadingRow r) => r.Segment ?? registered.GetValueOrDefault(r.Device) ?? r.Device;
        var jobSegments = traffic.GroupBy(SegmentOf, StringComparer.Ordinal).OrderBy(g => g.Key, StringComparer.Ordinal).ToList();

        // Detectors of every segment a row needs: the job's segments and their neighbours on the map.
        var detectors = new Dictionary<string, HashSet<string>>(StringComparer.Ordinal);
        void AddSegment(string segment, IEnumerable<string> extra)
        {
            if (!detectors.TryGetValue(segment, out var set))
            {
                detectors[segment] = set = new HashSet<string>(layout.DetectorsOn(segment), StringComparer.Ordinal);
            }

            set.UnionWith(extra);
        }

        // The jam features look up to TrafficJams.MaxHops streets along the map both ways.
        IEnumerable<string> DownstreamOf(string id) => layout.Segment(id)?.Downstream ?? [];
        IEnumerable<string> UpstreamOf(string id) => layout.Segment(id)?.Upstream ?? [];
        var rings = new Dictionary<string, (IReadOnlyList<IReadOnlyList<string>> Down, IReadOnlyList<IReadOnlyList<string>> Up)>(StringComparer.Ordinal);
        foreach (var segment in jobSegments)
        {
            AddSegment(segment.Key, segment.Select(r => r.Device));
            var onMap = layout.Segment(segment.Key);
            foreach (var neighbour in (onMap?.Upstream ?? []).Concat(onMap?.Downstream ?? []))
            {
                AddSegment(neighbour, []);
            }

            if (onMap is not null)
            {
                var down = TrafficJams.Rings(segment.Key, DownstreamOf, StringComparer.Ordinal);
                var up = TrafficJams.Rings(segment.Key, UpstreamOf, StringComparer.Ordinal);
                rings[segment.Key] = (down, up);
                foreach (var id in down.Concat(up).SelectMany(ring => ring))
                {
                    AddSegment(id, []);
                }
            }
        }

        // Every capture file's readings of the window but the job's own, then the job's readings: a minute split
        // across files (a device's message straddling two capture windows) is whole again.
        var stored = await history.ReadMinutesAsync(windowStart, lastMinute.AddMinutes(1), job.ReadingsBlob, cancellationToken);
        stored.AddReadings(traffic, windowStart, lastMinute.AddMinutes(1));
        var series = new Dictionary<string, DetectorMinute[]>(StringComparer.Ordinal);
        foreach (var (segment, devices) in detectors)
        {
            series[segment] = SegmentSeries(devices, stored, windowStart);
        }

        var jamStates = series.ToDictionary(
            s => s.Key,
            s => detectors[s.Key].Count > 0 ? TrafficJams.StateOf(s.Value, layout.Segment(s.Key)?.FreeFlowSpeedKmh ?? double.NaN) : JamState.Unknown,
            StringComparer.Ordinal);
        var historical = await HistoricalSpeedsAsync(jobSegments.Select(g => (g.Key, (IReadOnlyCollection<string>)detectors[g.Key])).ToList(), lastMinute, layout.TimeZone, cancellationToken);
        var localLatest = TimeZoneInfo.ConvertTime(lastMinute, layout.TimeZone);
        var rows = new List<FeatureRow>();
        var values = new List<float>();
        var row = new float[Columns];
        foreach (var segment in jobSegments)
        {
            var onMap = layout.Segment(segment.Key);
            JamSurroundings Jams(string id) => rings.TryGetValue(id, out var around)
                ? TrafficJams.Around(around.Down, around.Up, s => jamStates.GetValueOrDefault(s, JamState.Unknown))
                : JamSurroundings.None;
            ReadOnlyMemory<DetectorMinute>[] Neighbours(IReadOnlyList<string>? ids) =>
                [.. (ids ?? []).Where(id => detectors[id].Count > 0).Select(id => (ReadOnlyMemory<DetectorMinute>)series[id])];
            if (!TrafficForecastFeatures.TryCompute(series[segment.Key], localLatest, Neighbours(onMap?.Downstream), Neighbours(onMap?.Upstream), Jams(segment.Key), historical[segment.Key], onMap?.FreeFlowSpeedKmh ?? double.NaN, row))
            {
                continue;
            }

            values.AddRange(row);
            rows.Add(new FeatureRow(
                segment.Key, "traffic", detectors[segment.Key].Count, lastMinute, lastMinute.AddMinutes(TrafficForecastFeatures.HorizonMinutes),
                row[TrafficForecastFeatures.SpeedColumn], onMap?.FreeFlowSpeedKmh));
        }

        return new FeatureMatrix(rows, [.. values], Columns);
    }

    /// <summary>Per minute of the window: the mean over the segment's detectors that have that minute (all three channels).</summary>
    private static DetectorMinute[] SegmentSeries(IEnumerable<string> devices, MinuteHistory stored, DateTimeOffset windowStart)
    {
        var sums = new double[Minutes, 3];
        var counts = new int[Minutes];
        var value = new double[3];
        foreach (var device in devices)
        {
            for (var t = 0; t < Minutes; t++)
            {
                var minute = windowStart.AddMinutes(t);
                for (var c = 0; c < 3; c++)
                {
                    value[c] = stored.Mean(device, minute, MinuteSeries.TrafficChannels[c]);
                }

                if (value.Any(double.IsNaN))
                {
                    continue;
                }

                for (var c = 0; c < 3; c++)
                {
                    sums[t, c] += value[c];
                }

                counts[t]++;
            }
        }

        var series = new DetectorMinute[Minutes];
        for (var t = 0; t < Minutes; t++)
        {
            series[t] = counts[t] == 0 ? DetectorMinute.Missing : new DetectorMinute(sums[t, 0] / counts[t], sums[t, 1] / counts[t], sums[t, 2] / counts[t]);
        }

        return series;
    }

    /// <summary>Per segment: mean speed at the forecast's local minute on earlier weekdays, or NaN.</summary>
    private async Task<Dictionary<string, double>> HistoricalSpeedsAsync(
        IReadOnlyList<(string Segment, IReadOnlyCollection<string> Devices)> segments, DateTimeOffset lastMinute, TimeZoneInfo zone, CancellationToken cancellationToken)
    {
        var result = segments.ToDictionary(s => s.Segment, _ => double.NaN, StringComparer.Ordinal);
        var target = TimeZoneInfo.ConvertTime(lastMinute.AddMinutes(TrafficForecastFeatures.HorizonMinutes), zone);
        if (options.HistoricalDays == 0 || CalendarEncoding.Weekend(target) > 0)
        {
            return result;
        }

        var sums = new Dictionary<string, (double Sum, int Days)>(StringComparer.Ordinal);
        for (var day = 1; day <= options.HistoricalDays; day++)
        {
            var local = target.DateTime.AddDays(-day);
            if (local.DayOfWeek is DayOfWeek.Saturday or DayOfWeek.Sunday || zone.IsInvalidTime(local))
            {
                continue;
            }

            var minute = new DateTimeOffset(TimeZoneInfo.ConvertTimeToUtc(DateTime.SpecifyKind(local, DateTimeKind.Unspecified), zone), TimeSpan.Zero);
            // One listing of that hour's readings files (downloads only the first time a process needs that hour).
            var stored = await history.ReadMinutesAsync(minute, minute.AddMinutes(1), cancellationToken: cancellationToken);
            foreach (var (segment, segmentDevices) in segments)
            {
                var speeds = segmentDevices
                    .Select(d => stored.Mean(d, minute, "speed_kmh"))
                    .Where(double.IsFinite)
                    .ToList();
                if (speeds.Count > 0)
                {
                    var previous = sums.GetValueOrDefault(segment);
                    sums[segment] = (previous.Sum + speeds.Average(), previous.Days + 1);
                }
            }
        }

        foreach (var (segment, (sum, days)) in sums)
        {
            result[segment] = sum / days;
        }

        return result;
    }
}
