using CityFn.Core.Ingest;

namespace CityFn.Core.Features;

/// <summary>
/// The sensor-quality feature vector of one device over one window: what the <c>sensor-quality</c> model reads
/// (float32, in <see cref="Names"/> order). Training (models/CityFn.Training) and serving (the scoring stage)
/// both call <see cref="TryCompute"/>. Bump <see cref="Version"/> whenever a name, order or definition changes.
/// </summary>
/// <remarks>
/// Input: the device's last <see cref="HistoryMinutes"/> minutes, oldest first, one value per channel per minute
/// (row-major [minute, channel] in the wire order of <see cref="SensorKinds.Channels"/>, NaN where the minute has
/// no reading). The window scored is the last <see cref="WindowMinutes"/> minutes; the hour before it is the
/// device's own baseline. Neighbours are nearby devices of the same kind, in the same layout and minutes.
/// Every deviation is in units of the channel's <see cref="TypicalVariation"/>, so one model serves all kinds.
/// </remarks>
public static class SensorQualityFeatures
{
    public const int Version = 2;

    public const int HistoryMinutes = 90;

    public const int WindowMinutes = 30;

    /// <summary>Lags (minutes) searched for a replay: the window repeating what the device sent this long ago.</summary>
    public const int MinReplayLag = 5;

    public const int MaxReplayLag = 60;

    /// <summary>A change of level compares the means of up to this many minutes after and before a minute…</summary>
    public const int StepSpan = 20;

    /// <summary>…each side holding at least this many values.</summary>
    public const int MinStepSide = 5;

    private static readonly string[] FeatureNames =
    [
        "gap_ratio",
        "stuck_run_minutes",
        "spike_score",
        "jump_score",
        "neighbour_deviation",
        "neighbour_deviation_change",
        "own_level_change",
        "noise_ratio_to_own_history",
        "noise_ratio_to_neighbours",
        "noise_level",
        "neighbour_correlation",
        "replay_match",
        "neighbour_count",
        "kind_traffic",
        "kind_air",
        "kind_noise",
        "kind_weather",
        "neighbour_detrended_correlation",
        "residual_autocorrelation",
        "own_step",
        "neighbour_step",
        "own_step_significance",
        "neighbour_step_significance",
        "cross_channel_correlation",
    ];

    public static IReadOnlyList<string> Names => FeatureNames;

    public static int Count => FeatureNames.Length;

    /// <summary>
    /// A typical variation of each channel of a kind (wire order): the unit of every deviation feature. The
    /// values are the sizes a city sees in an ordinary hour (traffic flow 400 veh/h, occupancy 8 %, speed
    /// 12 km/h; PM2.5 6, PM10 10, NO2 12 µg/m³; noise 5 dB; temperature 2.5 K, humidity 8 %).
    /// </summary>
    public static IReadOnlyList<double> TypicalVariation(SensorKind kind) => kind switch
    {
        SensorKind.Traffic => [400, 8, 12],
        SensorKind.Air => [6, 10, 12],
        SensorKind.Noise => [5],
        SensorKind.Weather => [2.5, 8],
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "Unknown sensor kind."),
    };

    /// <summary>
    /// Writes the <see cref="Count"/> features. Returns false (and writes nothing) when the window holds no
    /// reading at all: there is nothing to judge (the gap itself is counted by ingest's expected samples).
    /// </summary>
    public static bool TryCompute(
        SensorKind kind,
        ReadOnlySpan<double> history,
        IReadOnlyList<ReadOnlyMemory<double>> neighbours,
        Span<float> destination)
    {
        ArgumentNullException.ThrowIfNull(neighbours);
        var scale = TypicalVariation(kind);
        var channels = scale.Count;
        if (history.Length != HistoryMinutes * channels)
        {
            throw new ArgumentException($"A {SensorKinds.WireName(kind)} history holds {HistoryMinutes} minutes × {channels} channels = {HistoryMinutes * channels} values, got {history.Length}.", nameof(history));
        }

        if (destination.Length < Count)
        {
            throw new ArgumentException($"The destination must hold {Count} features, got {destination.Length}.", nameof(destination));
        }

        const int start = HistoryMinutes - WindowMinutes;
        var present = 0;
        for (var t = start; t < HistoryMinutes; t++)
        {
            present += Present(history, t, channels) ? 1 : 0;
        }

        if (present == 0)
        {
            return false;
        }

        // The neighbours' median per minute and channel (NaN where no neighbour reported).
        var length = history.Length;
        var usable = neighbours.Where(n => n.Length == length).ToArray();
        var median = new double[history.Length];
        var column = new List<double>(usable.Length);
        for (var i = 0; i < history.Length; i++)
        {
            column.Clear();
            foreach (var neighbour in usable)
            {
                var value = neighbour.Span[i];
                if (!double.IsNaN(value))
                {
                    column.Add(value);
                }
            }

            median[i] = Median(column);
        }

        double spike = 0, jump = 0, deviation = 0, deviationChange = 0, levelChange = 0;
        double noiseToHistory = 0, noiseToNeighbours = 0, noiseLevel = 0, correlation = usable.Length > 0 ? 1 : 0;
        double ownStep = 0, ownStepSignificance = 0, neighbourStep = 0, neighbourStepSignificance = 0;
        double detrendedCorrelation = 0, residualAutocorrelation = 0;
        var window = new List<double>(WindowMinutes);
        for (var c = 0; c < channels; c++)
        {
            var s = scale[c];
            window.Clear();
            for (var t = start; t < HistoryMinutes; t++)
            {
                var x = history[(t * channels) + c];
                if (!double.IsNaN(x))
                {
                    window.Add(x);
                }
            }

            var centre = Median(window);
            var mad = Median(window.Select(x => Math.Abs(x - centre)).ToList());
            foreach (var x in window)
            {
                spike = Math.Max(spike, Math.Abs(x - centre) / ((1.4826 * mad) + (0.1 * s)));
            }

            var windowDiff = Differences(history, channels, c, start, HistoryMinutes);
            var historyDiff = Differences(history, channels, c, 0, start);
            foreach (var d in windowDiff)
            {
                jump = Math.Max(jump, Math.Abs(d) / s);
            }

            var windowNoise = StandardDeviation(windowDiff);
            noiseLevel = Math.Max(noiseLevel, windowNoise / s);
            noiseToHistory = Math.Max(noiseToHistory, windowNoise / (StandardDeviation(historyDiff) + (0.02 * s)));
            levelChange = Math.Max(levelChange, Math.Abs(Mean(history, channels, c, start, HistoryMinutes) - Mean(history, channels, c, 0, start)) / s);

            if (usable.Length > 0)
            {
                var gaps = new List<double>();
                var recent = new List<double>();
                var baseline = new List<double>();
                var xs = new List<double>();
                var ms = new List<double>();
                for (var t = 0; t < HistoryMinutes; t++)
                {
                    var x = history[(t * channels) + c];
                    var m = median[(t * channels) + c];
                    if (double.IsNaN(x) || double.IsNaN(m))
                    {
                        continue;
                    }

                    if (t >= start)
                    {
                        gaps.Add(Math.Abs(x - m));
                        xs.Add(x);
                        ms.Add(m);
                    }

                    (t >= HistoryMinutes - 10 ? recent : t < start ? baseline : null)?.Add(x - m);
                }

                deviation = Math.Max(deviation, Median(gaps) / s);
                if (recent.Count > 0 && baseline.Count > 0)
                {
                    deviationChange = Math.Max(deviationChange, Math.Abs(recent.Average() - baseline.Average()) / s);
                }

                var neighbourNoise = StandardDeviation(Differences(median, channels, c, start, HistoryMinutes));
                noiseToNeighbours = Math.Max(noiseToNeighbours, windowNoise / (neighbourNoise + (0.02 * s)));
                correlation = Math.Min(correlation, Correlation(xs, ms));

                // A device that stopped following its street shows as a change of level against its neighbours,
                // and (over the window, with the shared slow trend removed) as fluctuations that do not move with theirs.
                var (step, stepSignificance) = LargestStep(Scaled(history, median, channels, c, s));
                neighbourStep = Math.Max(neighbourStep, step);
                neighbourStepSignificance = Math.Max(neighbourStepSignificance, stepSignificance);
                detrendedCorrelation = Math.Max(
                    detrendedCorrelation,
                    CorrelationWherePresent(Detrended(history, channels, c, start), Detrended(median, channels, c, start)));
            }

            // Without neighbours: the moment a fabricated stream takes over is a change of the device's own level, and
            // fabricated values are a smooth curve plus independent noise, whose detrended values hardly persist.
            var (ownLevelStep, ownLevelStepSignificance) = LargestStep(Scaled(history, null, channels, c, s));
            ownStep = Math.Max(ownStep, ownLevelStep);
            ownStepSignificance = Math.Max(ownStepSignificance, ownLevelStepSignificance);
            residualAutocorrelation = Math.Max(residualAutocorrelation, LagOneAutocorrelation(Detrended(history, channels, c, start)));
        }

        destination[0] = (float)(1 - ((double)present / WindowMinutes));
        destination[1] = StuckRun(history, channels, start);
        destination[2] = (float)spike;
        destination[3] = (float)jump;
        destination[4] = (float)deviation;
        destination[5] = (float)deviationChange;
        destination[6] = (float)levelChange;
        destination[7] = (float)noiseToHistory;
        destination[8] = (float)noiseToNeighbours;
        destination[9] = (float)noiseLevel;
        destination[10] = (float)correlation;
        destination[11] = ReplayMatch(history, channels, start);
        destination[12] = usable.Length;
        destination[13] = kind == SensorKind.Traffic ? 1 : 0;
        destination[14] = kind == SensorKind.Air ? 1 : 0;
        destination[15] = kind == SensorKind.Noise ? 1 : 0;
        destination[16] = kind == SensorKind.Weather ? 1 : 0;
        destination[17] = (float)detrendedCorrelation;
        destination[18] = (float)residualAutocorrelation;
        destination[19] = (float)ownStep;
        destination[20] = (float)neighbourStep;
        destination[21] = (float)ownStepSignificance;
        destination[22] = (float)neighbourStepSignificance;
        destination[23] = channels < 2 ? 0 : (float)CorrelationWherePresent(Window(history, channels, 0, start), Window(history, channels, channels - 1, start));
        return true;
    }

    /// <summary>
    /// The longest run of minutes in the window whose every channel equals the previous reading exactly (a run
    /// of identical readings may start before the window; 0 when no reading repeats). Healthy sensors rarely repeat
    /// every channel to the last digit.
    /// </summary>
    public static int StuckRun(ReadOnlySpan<double> history, int channels, int start)
    {
        var longest = 0;
        var run = 0;
        var previous = -1;
        for (var t = 0; t < history.Length / channels; t++)
        {
            if (!Present(history, t, channels))
            {
                continue;
            }

            var same = previous >= 0 && history.Slice(t * channels, channels).SequenceEqual(history.Slice(previous * channels, channels));
            run = same ? run + 1 : 1;
            if (t >= start)
            {
                longest = Math.Max(longest, run);
            }

            previous = t;
        }

        return longest <= 1 ? 0 : longest;
    }

    /// <summary>The largest share of window minutes that equal, in every channel, the reading a fixed lag earlier.</summary>
    private static float ReplayMatch(ReadOnlySpan<double> history, int channels, int start)
    {
        var best = 0;
        for (var lag = MinReplayLag; lag <= Math.Min(MaxReplayLag, start); lag++)
        {
            var matches = 0;
            for (var t = start; t < HistoryMinutes; t++)
            {
                if (Present(history, t, channels) && Present(history, t - lag, channels)
                    && history.Slice(t * channels, channels).SequenceEqual(history.Slice((t - lag) * channels, channels)))
                {
                    matches++;
                }
            }

            best = Math.Max(best, matches);
        }

        return (float)best / WindowMinutes;
    }

    private static bool Present(ReadOnlySpan<double> history, int minute, int channels)
    {
        foreach (var value in history.Slice(minute * channels, channels))
        {
            if (double.IsNaN(value))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>Changes between consecutive minutes that both hold a value, in minutes [from, to).</summary>
    private static List<double> Differences(ReadOnlySpan<double> values, int channels, int channel, int from, int to)
    {
        var differences = new List<double>();
        for (var t = Math.Max(1, from); t < to; t++)
        {
            var a = values[((t - 1) * channels) + channel];
            var b = values[(t * channels) + channel];
            if (!double.IsNaN(a) && !double.IsNaN(b))
            {
                differences.Add(b - a);
            }
        }

        return differences;
    }

    /// <summary>The window's values minus their least-squares line (NaN kept where a minute has no value).</summary>
    private static List<double> Detrended(ReadOnlySpan<double> values, int channels, int channel, int start)
    {
        double n = 0, st = 0, sx = 0, stt = 0, stx = 0;
        for (var t = start; t < HistoryMinutes; t++)
        {
            var x = values[(t * channels) + channel];
            if (!double.IsNaN(x))
            {
                n++;
                st += t;
                sx += x;
                stt += (double)t * t;
                stx += t * x;
            }
        }

        var denominator = (n * stt) - (st * st);
        var slope = n < 2 || denominator <= 0 ? 0 : ((n * stx) - (st * sx)) / denominator;
        var intercept = n == 0 ? 0 : (sx - (slope * st)) / n;
        var residuals = new List<double>(WindowMinutes);
        for (var t = start; t < HistoryMinutes; t++)
        {
            residuals.Add(values[(t * channels) + channel] - (intercept + (slope * t)));
        }

        return residuals;
    }

    /// <summary>
    /// The largest change of level in a series (NaN where missing): over every split minute, the difference of the
    /// means of up to <see cref="StepSpan"/> minutes after and before it (each side needs <see cref="MinStepSide"/>
    /// values), as a size and as a significance (the size over its standard error, with the noise of one value
    /// estimated robustly from the minute-to-minute changes, plus 0.01 so a flat series does not divide by zero).
    /// </summary>
    private static (double Step, double Significance) LargestStep(double[] series)
    {
        var largest = 0.0;
        var significance = 0.0;
        var changes = new List<double>();
        for (var t = 1; t < series.Length; t++)
        {
            if (!double.IsNaN(series[t]) && !double.IsNaN(series[t - 1]))
            {
                changes.Add(Math.Abs(series[t] - series[t - 1]));
            }
        }

        // Robust noise of one value from its minute-to-minute changes (a level step moves only one change).
        var noise = (changes.Count == 0 ? 0 : Median(changes) / (0.6745 * Math.Sqrt(2))) + 0.01;
        for (var split = MinStepSide; split <= series.Length - MinStepSide; split++)
        {
            var before = MeanAndCount(series, 1, 0, Math.Max(0, split - StepSpan), split);
            var after = MeanAndCount(series, 1, 0, split, Math.Min(series.Length, split + StepSpan));
            if (before.Count >= MinStepSide && after.Count >= MinStepSide)
            {
                var step = Math.Abs(after.Mean - before.Mean);
                largest = Math.Max(largest, step);
                significance = Math.Max(significance, step / (noise * Math.Sqrt((1.0 / before.Count) + (1.0 / after.Count))));
            }
        }

        return (largest, significance);
    }

    /// <summary>Lag-one autocorrelation of a series (NaN where missing): near 0 for independent noise.</summary>
    private static double LagOneAutocorrelation(List<double> series) =>
        series.Count < 2 ? 0 : CorrelationWherePresent(series.GetRange(0, series.Count - 1), series.GetRange(1, series.Count - 1));

    /// <summary>
    /// One channel over the whole history in typical variations, minus the neighbours' median when given (NaN where
    /// either is missing).
    /// </summary>
    private static double[] Scaled(ReadOnlySpan<double> history, double[]? median, int channels, int channel, double scale)
    {
        var series = new double[HistoryMinutes];
        for (var t = 0; t < HistoryMinutes; t++)
        {
            var i = (t * channels) + channel;
            series[t] = (history[i] - (median?[i] ?? 0)) / scale;
        }

        return series;
    }

    /// <summary>One channel's values in the window, NaN where missing.</summary>
    private static List<double> Window(ReadOnlySpan<double> values, int channels, int channel, int start)
    {
        var list = new List<double>(WindowMinutes);
        for (var t = start; t < HistoryMinutes; t++)
        {
            list.Add(values[(t * channels) + channel]);
        }

        return list;
    }

    private static double Mean(ReadOnlySpan<double> values, int channels, int channel, int from, int to) =>
        MeanAndCount(values, channels, channel, from, to).Mean;

    /// <summary>One channel's mean over minutes [from, to) and how many of them hold a value (NaN = missing; mean 0 when none).</summary>
    private static (double Mean, int Count) MeanAndCount(ReadOnlySpan<double> values, int channels, int channel, int from, int to)
    {
        double sum = 0;
        var count = 0;
        for (var t = from; t < to; t++)
        {
            var x = values[(t * channels) + channel];
            if (!double.IsNaN(x))
            {
                sum += x;
                count++;
            }
        }

        return (count == 0 ? 0 : sum / count, count);
    }

    private static double Median(List<double> values)
    {
        if (values.Count == 0)
        {
            return double.NaN;
        }

        values.Sort();
        var middle = values.Count / 2;
        return values.Count % 2 == 1 ? values[middle] : (values[middle - 1] + values[middle]) / 2;
    }

    private static double StandardDeviation(List<double> values)
    {
        if (values.Count < 2)
        {
            return 0;
        }

        var mean = values.Average();
        return Math.Sqrt(values.Sum(v => (v - mean) * (v - mean)) / (values.Count - 1));
    }

    /// <summary>Pearson correlation over the positions where both series hold a value.</summary>
    private static double CorrelationWherePresent(List<double> xs, List<double> ys)
    {
        var a = new List<double>();
        var b = new List<double>();
        for (var i = 0; i < xs.Count; i++)
        {
            if (!double.IsNaN(xs[i]) && !double.IsNaN(ys[i]))
            {
                a.Add(xs[i]);
                b.Add(ys[i]);
            }
        }

        return Correlation(a, b);
    }

    /// <summary>Pearson correlation; 0 when either side does not vary (nothing to agree on).</summary>
    private static double Correlation(List<double> xs, List<double> ys)
    {
        if (xs.Count < 3)
        {
            return 0;
        }

        var mx = xs.Average();
        var my = ys.Average();
        double sxy = 0, sxx = 0, syy = 0;
        for (var i = 0; i < xs.Count; i++)
        {
            sxy += (xs[i] - mx) * (ys[i] - my);
            sxx += (xs[i] - mx) * (xs[i] - mx);
            syy += (ys[i] - my) * (ys[i] - my);
        }

        return sxx <= 1e-12 || syy <= 1e-12 ? 0 : sxy / Math.Sqrt(sxx * syy);
    }
}
