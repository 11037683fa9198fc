namespace CityFn.Core.Features;

/// <summary>
/// The traffic-forecast feature vector of one detector at one moment: what the <c>traffic-forecast</c> model
/// reads (float32, in <see cref="Names"/> order). Training (models/CityFn.Training) and serving (the scoring
/// stage) both call <see cref="TryCompute"/>, so the two cannot drift. Bump <see cref="Version"/> whenever a
/// name, order or definition changes: a model is only valid for the version it was trained on.
/// </summary>
/// <remarks>
/// Inputs are per-minute aggregates, oldest first, whose last element is the latest complete minute; missing
/// minutes are <see cref="DetectorMinute.Missing"/>. Missing minutes are carried forward from the previous
/// reading inside the window. Neighbours are the detectors on the segments this one feeds (downstream) and is
/// fed by (upstream), aligned to the same minutes; where there are none (grid edge), this detector stands in.
/// The jam features look further along the network (up to <see cref="TrafficJams.MaxHops"/> streets, see
/// <see cref="TrafficJams"/>); the caller measures them with <see cref="TrafficJams.Around{T}"/>.
/// </remarks>
public static class TrafficForecastFeatures
{
    public const int Version = 3;

    /// <summary>Minutes of history the features look at (the window length callers pass).</summary>
    public const int HistoryMinutes = 60;

    /// <summary>
    /// The forecast horizon the model is trained for: it forecasts the mean speed of the <see cref="TargetMinutes"/>
    /// minutes starting this many minutes after the latest one.
    /// </summary>
    public const int HorizonMinutes = 15;

    /// <summary>
    /// The forecast is a mean over this many minutes (from <see cref="HorizonMinutes"/> after the latest minute): the
    /// usual 5-minute resolution of traffic forecasting, where one minute's reading would be half detector noise.
    /// </summary>
    public const int TargetMinutes = 5;

    /// <summary>A detector with no reading in its latest this-many minutes gets no forecast.</summary>
    public const int MaxStaleMinutes = 15;

    private static readonly string[] FeatureNames =
    [
        "speed_kmh",
        "speed_mean_5min_kmh",
        "speed_mean_15min_kmh",
        "speed_change_5min_kmh",
        "speed_change_15min_kmh",
        "speed_min_15min_kmh",
        "speed_max_60min_kmh",
        "speed_ratio_to_max_60min",
        "flow_veh_h",
        "flow_mean_5min_veh_h",
        "flow_change_15min_veh_h",
        "occupancy_pct",
        "occupancy_mean_5min_pct",
        "occupancy_change_15min_pct",
        "occupancy_max_15min_pct",
        "downstream_speed_ratio_min",
        "downstream_occupancy_max_pct",
        "downstream_occupancy_change_15min_max_pct",
        "upstream_flow_mean_veh_h",
        "upstream_occupancy_max_pct",
        "time_of_day_sin",
        "time_of_day_cos",
        "day_of_week_sin",
        "day_of_week_cos",
        "weekend",
        "historical_speed_kmh",
        "historical_minus_latest_kmh",
        "jam_hops_downstream",
        "jammed_segments_within_3_hops",
        "jam_hops_upstream",
        "new_jam_hops_downstream",
        "speed_ratio_to_free_flow",
    ];

    /// <summary>Feature names in model input order.</summary>
    public static IReadOnlyList<string> Names => FeatureNames;

    public static int Count => FeatureNames.Length;

    /// <summary>Column of <c>speed_kmh</c>: the model forecasts a change from it.</summary>
    public const int SpeedColumn = 0;

    /// <summary>
    /// Writes the <see cref="Count"/> features into <paramref name="destination"/>. Returns false (and writes
    /// nothing) when the detector has no reading in its latest <see cref="MaxStaleMinutes"/> minutes.
    /// </summary>
    /// <param name="history">This detector's last <see cref="HistoryMinutes"/> minutes, oldest first.</param>
    /// <param name="latestMinuteStart">Start of the last minute in <paramref name="history"/>, in the city's local time.</param>
    /// <param name="downstream">Histories of the detectors this one feeds, aligned with <paramref name="history"/>.</param>
    /// <param name="upstream">Histories of the detectors feeding this one, aligned with <paramref name="history"/>.</param>
    /// <param name="jams">The jams around this detector at the latest minute (<see cref="JamSurroundings.None"/> without a map).</param>
    /// <param name="historicalSpeedKmh">
    /// This detector's usual speed at the forecast time of day (mean of the same minute on earlier days of the same
    /// kind, weekday or weekend), or NaN when there is no history yet: the latest speed stands in.
    /// </param>
    /// <param name="freeFlowSpeedKmh">
    /// The segment's free-flow speed from the road network map, or NaN when unknown: the best speed in the hour stands in.
    /// </param>
    /// <param name="destination">At least <see cref="Count"/> floats.</param>
    public static bool TryCompute(
        ReadOnlySpan<DetectorMinute> history,
        DateTimeOffset latestMinuteStart,
        IReadOnlyList<ReadOnlyMemory<DetectorMinute>> downstream,
        IReadOnlyList<ReadOnlyMemory<DetectorMinute>> upstream,
        JamSurroundings jams,
        double historicalSpeedKmh,
        double freeFlowSpeedKmh,
        Span<float> destination)
    {
        ArgumentNullException.ThrowIfNull(downstream);
        ArgumentNullException.ThrowIfNull(upstream);
        if (history.Length != HistoryMinutes)
        {
            throw new ArgumentException($"The history must hold exactly {HistoryMinutes} minutes, got {history.Length}.", nameof(history));
        }

        if (destination.Length < Count)
        {
            throw new ArgumentException($"The destination must hold {Count} features, got {destination.Length}.", nameof(destination));
        }

        Span<DetectorMinute> own = stackalloc DetectorMinute[HistoryMinutes];
        if (!CarryForward(history, own))
        {
            return false;
        }

        var speedLast = own[^1].SpeedKmh;
        var speedMax60 = Max(own, m => m.SpeedKmh, HistoryMinutes);
        var occupancyMean5 = Mean(own, m => m.OccupancyPct, 0, 5);
        var speedMean5 = Mean(own, m => m.SpeedKmh, 0, 5);
        destination[0] = (float)speedLast;
        destination[1] = (float)speedMean5;
        destination[2] = (float)Mean(own, m => m.SpeedKmh, 0, 15);
        destination[3] = (float)Change(own, m => m.SpeedKmh, 5);
        destination[4] = (float)Change(own, m => m.SpeedKmh, 15);
        destination[5] = (float)Min(own, m => m.SpeedKmh, 15);
        destination[6] = (float)speedMax60;
        destination[7] = (float)Ratio(speedLast, speedMax60);
        destination[8] = (float)own[^1].FlowVehPerHour;
        destination[9] = (float)Mean(own, m => m.FlowVehPerHour, 0, 5);
        destination[10] = (float)Change(own, m => m.FlowVehPerHour, 15);
        destination[11] = (float)own[^1].OccupancyPct;
        destination[12] = (float)occupancyMean5;
        destination[13] = (float)Change(own, m => m.OccupancyPct, 15);
        destination[14] = (float)Max(own, m => m.OccupancyPct, 15);

        var downstreamSpeedRatio = double.PositiveInfinity;
        var downstreamOccupancy = double.NegativeInfinity;
        var downstreamOccupancyChange = double.NegativeInfinity;
        Span<DetectorMinute> neighbour = stackalloc DetectorMinute[HistoryMinutes];
        foreach (var memory in downstream)
        {
            if (Align(memory.Span, neighbour))
            {
                downstreamSpeedRatio = Math.Min(downstreamSpeedRatio, Ratio(Mean(neighbour, m => m.SpeedKmh, 0, 5), Max(neighbour, m => m.SpeedKmh, HistoryMinutes)));
                downstreamOccupancy = Math.Max(downstreamOccupancy, Mean(neighbour, m => m.OccupancyPct, 0, 5));
                downstreamOccupancyChange = Math.Max(downstreamOccupancyChange, Change(neighbour, m => m.OccupancyPct, 15));
            }
        }

        if (double.IsPositiveInfinity(downstreamSpeedRatio))
        {
            downstreamSpeedRatio = Ratio(Mean(own, m => m.SpeedKmh, 0, 5), speedMax60);
            downstreamOccupancy = occupancyMean5;
            downstreamOccupancyChange = Change(own, m => m.OccupancyPct, 15);
        }

        var upstreamFlowSum = 0.0;
        var upstreamCount = 0;
        var upstreamOccupancy = double.NegativeInfinity;
        foreach (var memory in upstream)
        {
            if (Align(memory.Span, neighbour))
            {
                upstreamFlowSum += Mean(neighbour, m => m.FlowVehPerHour, 0, 5);
                upstreamCount++;
                upstreamOccupancy = Math.Max(upstreamOccupancy, Mean(neighbour, m => m.OccupancyPct, 0, 5));
            }
        }

        destination[15] = (float)downstreamSpeedRatio;
        destination[16] = (float)downstreamOccupancy;
        destination[17] = (float)downstreamOccupancyChange;
        destination[18] = (float)(upstreamCount > 0 ? upstreamFlowSum / upstreamCount : Mean(own, m => m.FlowVehPerHour, 0, 5));
        destination[19] = (float)(upstreamCount > 0 ? upstreamOccupancy : occupancyMean5);

        var now = latestMinuteStart.AddMinutes(1);
        (destination[20], destination[21]) = CalendarEncoding.TimeOfDay(now);
        (destination[22], destination[23]) = CalendarEncoding.DayOfWeek(now);
        destination[24] = CalendarEncoding.Weekend(now);
        var historical = double.IsFinite(historicalSpeedKmh) ? historicalSpeedKmh : speedLast;
        destination[25] = (float)historical;
        destination[26] = (float)(historical - speedLast);
        destination[27] = jams.HopsDownstream;
        destination[28] = jams.JammedNearby;
        destination[29] = jams.HopsUpstream;
        destination[30] = jams.NewJamHopsDownstream;
        // Against the map's free-flow speed a jam stays visible after an hour, when the hour's best speed is the jam's.
        destination[31] = (float)(double.IsFinite(freeFlowSpeedKmh) && freeFlowSpeedKmh > 0
            ? speedMean5 / freeFlowSpeedKmh
            : Ratio(speedMean5, speedMax60));
        return true;
    }

    /// <summary>Copies a neighbour's window with gaps carried forward; false when it is too stale to use.</summary>
    private static bool Align(ReadOnlySpan<DetectorMinute> source, Span<DetectorMinute> destination) =>
        source.Length == HistoryMinutes && CarryForward(source, destination);

    /// <summary>
    /// Fills gaps with the previous reading (and leading gaps with the first reading). False when the latest
    /// <see cref="MaxStaleMinutes"/> minutes hold no reading at all.
    /// </summary>
    internal static bool CarryForward(ReadOnlySpan<DetectorMinute> source, Span<DetectorMinute> destination)
    {
        var recent = false;
        for (var i = source.Length - MaxStaleMinutes; i < source.Length; i++)
        {
            recent |= IsValid(source[i]);
        }

        if (!recent)
        {
            return false;
        }

        var first = 0;
        while (!IsValid(source[first]))
        {
            first++;
        }

        var last = source[first];
        for (var i = 0; i < source.Length; i++)
        {
            if (IsValid(source[i]))
            {
                last = source[i];
            }

            destination[i] = last;
        }

        return true;
    }

    private static bool IsValid(DetectorMinute minute) =>
        double.IsFinite(minute.SpeedKmh) && double.IsFinite(minute.FlowVehPerHour) && double.IsFinite(minute.OccupancyPct);

    /// <summary>Mean of the minutes from <paramref name="skip"/> to <paramref name="skip"/> + <paramref name="count"/> before the end.</summary>
    internal static double Mean(ReadOnlySpan<DetectorMinute> window, Func<DetectorMinute, double> value, int skip, int count)
    {
        var sum = 0.0;
        for (var i = window.Length - skip - count; i < window.Length - skip; i++)
        {
            sum += value(window[i]);
        }

        return sum / count;
    }

    /// <summary>Mean of the latest 5 minutes minus the mean of the 5 minutes ending <paramref name="minutes"/> earlier.</summary>
    private static double Change(ReadOnlySpan<DetectorMinute> window, Func<DetectorMinute, double> value, int minutes) =>
        Mean(window, value, 0, 5) - Mean(window, value, minutes, 5);

    private static double Min(ReadOnlySpan<DetectorMinute> window, Func<DetectorMinute, double> value, int count)
    {
        var min = double.PositiveInfinity;
        for (var i = window.Length - count; i < window.Length; i++)
        {
            min = Math.Min(min, value(window[i]));
        }

        return min;
    }

    internal static double Max(ReadOnlySpan<DetectorMinute> window, Func<DetectorMinute, double> value, int count)
    {
        var max = double.NegativeInfinity;
        for (var i = window.Length - count; i < window.Length; i++)
        {
            max = Math.Max(max, value(window[i]));
        }

        return max;
    }

    /// <summary>Speed over the window's best speed; 0 when nothing moved all window (a standing queue).</summary>
    private static double Ratio(double speed, double maxSpeed) => maxSpeed > 0.1 ? Math.Min(1, speed / maxSpeed) : 0;
}
