using CityFn.Core.Features;
using CityFn.Simulator;
using CityFn.Training.Trees;

namespace CityFn.Training.Forecast;

/// <summary>
/// Forecast rows of simulated days: features from <see cref="TrafficForecastFeatures"/> (the serving code),
/// label = mean speed of the <see cref="TrafficForecastFeatures.TargetMinutes"/> minutes starting
/// <see cref="TrafficForecastFeatures.HorizonMinutes"/> after the latest one, minus the latest speed, plus what the
/// metrics and baselines need per row.
/// </summary>
public sealed class ForecastSamples
{
    /// <summary>A row is congested when the detector is below this fraction of its free-flow speed now or over the forecast's minutes.</summary>
    public const double CongestedSpeedRatio = 0.6;

    private ForecastSamples(FeatureMatrix matrix, double[] actual, double[] actualTrue, int[] detector, int[] targetMinute, bool[] congested, bool[] congestedNow, bool[] congestedThen)
    {
        CongestedNow = congestedNow;
        CongestedThen = congestedThen;
        Matrix = matrix;
        Actual = actual;
        ActualTrue = actualTrue;
        Detector = detector;
        TargetMinute = targetMinute;
        Congested = congested;
    }

    public FeatureMatrix Matrix { get; }

    /// <summary>Observed mean speed over the forecast's minutes, km/h.</summary>
    public double[] Actual { get; }

    /// <summary>The traffic model's noise-free mean speed over the forecast's minutes, km/h.</summary>
    public double[] ActualTrue { get; }

    public int[] Detector { get; }

    /// <summary>Minute index (since the day's start) of the first of the forecast's minutes.</summary>
    public int[] TargetMinute { get; }

    public bool[] Congested { get; }

    /// <summary>The true speed of the latest minute is congested (a congested row that is not is a congestion onset).</summary>
    public bool[] CongestedNow { get; }

    /// <summary>The true mean speed over the forecast's minutes is congested.</summary>
    public bool[] CongestedThen { get; }

    public int Rows => Actual.Length;

    /// <summary>The latest minute's speed: the model forecasts a change from it.</summary>
    public double Latest(int row) => Matrix.Row(row)[TrafficForecastFeatures.SpeedColumn];

    /// <summary>
    /// The persistence forecast ("last value"): the mean of the latest <see cref="TrafficForecastFeatures.TargetMinutes"/>
    /// minutes, the same kind of value the forecast is.
    /// </summary>
    public double Persistence(int row) => Matrix.Row(row)[PersistenceColumn];

    private static readonly int PersistenceColumn = TrafficForecastFeatures.Names.ToList().IndexOf("speed_mean_5min_kmh");

    /// <summary>Rows every <paramref name="stride"/> minutes from 05:00 (a full hour of history) for every detector.</summary>
    public static ForecastSamples Build(RoadNetwork network, IEnumerable<TrafficDaySimulation> days, int stride, HistoricalAverage historical)
    {
        ArgumentNullException.ThrowIfNull(network);
        ArgumentNullException.ThrowIfNull(days);
        ArgumentNullException.ThrowIfNull(historical);
        var downstream = network.Segments.Select(s => TrafficScenario.Downstream(network, s)).ToArray();
        var upstream = network.Segments.Select(s => TrafficScenario.Upstream(network, s)).ToArray();
        var downstreamRings = network.Segments.Select(s => TrafficJams.Rings(s.Index, i => downstream[i])).ToArray();
        var upstreamRings = network.Segments.Select(s => TrafficJams.Rings(s.Index, i => upstream[i])).ToArray();
        var jams = new JamState[network.Segments.Count];
        var builder = new FeatureMatrixBuilder(TrafficForecastFeatures.Count);
        var actual = new List<double>();
        var actualTrue = new List<double>();
        var detector = new List<int>();
        var targetMinute = new List<int>();
        var congested = new List<bool>();
        var congestedNow = new List<bool>();
        var congestedThen = new List<bool>();
        var row = new float[TrafficForecastFeatures.Count];
        const int history = TrafficForecastFeatures.HistoryMinutes;
        const int horizon = TrafficForecastFeatures.HorizonMinutes;
        const int target = TrafficForecastFeatures.TargetMinutes;
        foreach (var day in days)
        {
            for (var m = history; m + horizon + target <= day.MinuteCount; m += stride)
            {
                foreach (var segment in network.Segments)
                {
                    jams[segment.Index] = TrafficJams.StateOf(day.Minutes[segment.Index].AsSpan(m - history + 1, history), segment.FreeFlowSpeedKmh);
                }

                foreach (var segment in network.Segments)
                {
                    var own = day.Minutes[segment.Index];
                    if (!TrafficForecastFeatures.TryCompute(
                        own.AsSpan(m - history + 1, history),
                        day.Start.AddMinutes(m),
                        Slices(day, downstream[segment.Index], m),
                        Slices(day, upstream[segment.Index], m),
                        TrafficJams.Around(downstreamRings[segment.Index], upstreamRings[segment.Index], i => jams[i]),
                        // Weekdays only have a profile; a weekend row gets NaN (the latest speed stands in).
                        HistoricalAverage.IsWeekday(day) ? historical.ForecastExcluding(day, segment.Index, m + horizon) : double.NaN,
                        segment.FreeFlowSpeedKmh,
                        row))
                    {
                        continue;
                    }

                    var observed = 0.0;
                    var noiseFree = 0.0;
                    for (var t = m + horizon; t < m + horizon + target; t++)
                    {
                        observed += own[t].SpeedKmh / target;
                        noiseFree += day.TrueSpeed[segment.Index][t] / target;
                    }

                    builder.Add(row, observed - row[TrafficForecastFeatures.SpeedColumn]);
                    actual.Add(observed);
                    actualTrue.Add(noiseFree);
                    detector.Add(segment.Index);
                    targetMinute.Add(m + horizon);
                    var slow = CongestedSpeedRatio * segment.FreeFlowSpeedKmh;
                    congestedNow.Add(day.TrueSpeed[segment.Index][m] < slow);
                    congestedThen.Add(noiseFree < slow);
                    congested.Add(congestedNow[^1] || congestedThen[^1]);
                }
            }
        }

        return new ForecastSamples(builder.Build(), [.. actual], [.. actualTrue], [.. detector], [.. targetMinute], [.. congested], [.. congestedNow], [.. congestedThen]);
    }

    /// <summary>The rows of <paramref name="parts"/> one after another, as one set (each built with the same historical average).</summary>
    public static ForecastSamples Concat(IReadOnlyList<ForecastSamples> parts)
    {
        ArgumentNullException.ThrowIfNull(parts);
        return new ForecastSamples(
            new FeatureMatrix(TrafficForecastFeatures.Count, [.. parts.SelectMany(p => p.Matrix.Values)], [.. parts.SelectMany(p => p.Matrix.Labels)]),
            [.. parts.SelectMany(p => p.Actual)],
            [.. parts.SelectMany(p => p.ActualTrue)],
            [.. parts.SelectMany(p => p.Detector)],
            [.. parts.SelectMany(p => p.TargetMinute)],
            [.. parts.SelectMany(p => p.Congested)],
            [.. parts.SelectMany(p => p.CongestedNow)],
            [.. parts.SelectMany(p => p.CongestedThen)]);
    }

    private static ReadOnlyMemory<DetectorMinute>[] Slices(TrafficDaySimulation day, int[] detectors, int latest) =>
        detectors.Select(d => new ReadOnlyMemory<DetectorMinute>(day.Minutes[d], latest - TrafficForecastFeatures.HistoryMinutes + 1, TrafficForecastFeatures.HistoryMinutes)).ToArray();
}
