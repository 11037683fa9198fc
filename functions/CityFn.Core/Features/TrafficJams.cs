namespace CityFn.Core.Features;

/// <summary>Whether one detector's segment is jammed at the latest minute, and for how many minutes it has been.</summary>
public readonly record struct JamState(bool Jammed, int JammedMinutes)
{
    /// <summary>No reading to judge by (no detector, or a stale one): counted as not jammed.</summary>
    public static JamState Unknown { get; } = new(false, 0);

    /// <summary>Jammed for at most <see cref="TrafficJams.NewJamMinutes"/> minutes: a queue that is still growing back.</summary>
    public bool IsNew => Jammed && JammedMinutes <= TrafficJams.NewJamMinutes;
}

/// <summary>
/// Where the jams are around a detector, in hops along the road network: the four <c>jam_*</c> features of
/// <see cref="TrafficForecastFeatures"/>. In the simulated city (and on a real grid) a queue that blocks a junction
/// spreads upstream a street at a time, a few minutes per street, so a jam a few streets downstream now is often
/// this detector's jam in 15 minutes. Training and serving both build the rings with <see cref="Rings{T}"/> and the
/// states with <see cref="StateOf"/>, so the two cannot drift.
/// </summary>
public static class TrafficJams
{
    /// <summary>How far the features look: jams further away than this many streets count as none.</summary>
    public const int MaxHops = 8;

    /// <summary>
    /// A segment is jammed when its latest 5-minute mean speed is below this share of its free-flow speed (from the road
    /// network map), or of its best speed in the window when the free-flow speed is unknown.
    /// </summary>
    public const double JammedSpeedRatio = 0.5;

    /// <summary>A jam at most this many minutes old is "new" (its queue is still growing back).</summary>
    public const int NewJamMinutes = 15;

    /// <summary>The jam features' value when no jam is within <see cref="MaxHops"/>.</summary>
    public const int NoJam = MaxHops + 1;

    /// <summary>Hops counted for <c>jammed_segments_within_3_hops</c>.</summary>
    public const int NearHops = 3;

    /// <summary>
    /// The jam state at the end of a <see cref="TrafficForecastFeatures.HistoryMinutes"/>-minute window (gaps carried
    /// forward as the forecast features do); <see cref="JamState.Unknown"/> when the window has no recent reading.
    /// </summary>
    /// <param name="window">The segment's minutes, oldest first.</param>
    /// <param name="freeFlowSpeedKmh">
    /// The segment's free-flow speed, or NaN when unknown: then the best speed in the window stands in, which misses a
    /// jam older than the window (nothing in it moved faster).
    /// </param>
    public static JamState StateOf(ReadOnlySpan<DetectorMinute> window, double freeFlowSpeedKmh)
    {
        Span<DetectorMinute> filled = stackalloc DetectorMinute[TrafficForecastFeatures.HistoryMinutes];
        if (window.Length != TrafficForecastFeatures.HistoryMinutes || !TrafficForecastFeatures.CarryForward(window, filled))
        {
            return JamState.Unknown;
        }

        var best = TrafficForecastFeatures.Max(filled, m => m.SpeedKmh, filled.Length);
        var reference = double.IsFinite(freeFlowSpeedKmh) && freeFlowSpeedKmh > 0 ? freeFlowSpeedKmh : best;
        if (reference <= 0.1)
        {
            // Nothing moved all window: a standing queue.
            return new JamState(true, filled.Length);
        }

        var slow = JammedSpeedRatio * reference;
        var minutes = 0;
        while (minutes < filled.Length && filled[filled.Length - 1 - minutes].SpeedKmh < slow)
        {
            minutes++;
        }

        return new JamState(TrafficForecastFeatures.Mean(filled, m => m.SpeedKmh, 0, 5) < slow, minutes);
    }

    /// <summary>
    /// The segments 1, 2, … <see cref="MaxHops"/> hops from <paramref name="start"/> following <paramref name="next"/>
    /// (downstream or upstream), each in the ring of its shortest distance; <paramref name="start"/> itself is in none.
    /// </summary>
    public static IReadOnlyList<IReadOnlyList<T>> Rings<T>(T start, Func<T, IEnumerable<T>> next, IEqualityComparer<T>? comparer = null)
        where T : notnull
    {
        ArgumentNullException.ThrowIfNull(next);
        var seen = new HashSet<T>(comparer) { start };
        var rings = new List<IReadOnlyList<T>>(MaxHops);
        List<T> frontier = [start];
        for (var hop = 1; hop <= MaxHops; hop++)
        {
            var ring = new List<T>();
            foreach (var segment in frontier)
            {
                foreach (var neighbour in next(segment))
                {
                    if (seen.Add(neighbour))
                    {
                        ring.Add(neighbour);
                    }
                }
            }

            rings.Add(ring);
            frontier = ring;
        }

        return rings;
    }

    /// <summary>The four jam features from the states of the segments in each ring downstream and upstream.</summary>
    public static JamSurroundings Around<T>(IReadOnlyList<IReadOnlyList<T>> downstream, IReadOnlyList<IReadOnlyList<T>> upstream, Func<T, JamState> state)
    {
        ArgumentNullException.ThrowIfNull(downstream);
        ArgumentNullException.ThrowIfNull(upstream);
        ArgumentNullException.ThrowIfNull(state);
        var near = 0;
        foreach (var rings in new[] { downstream, upstream })
        {
            for (var hop = 0; hop < Math.Min(NearHops, rings.Count); hop++)
            {
                near += rings[hop].Count(s => state(s).Jammed);
            }
        }

        return new JamSurroundings(
            NearestHop(downstream, s => state(s).Jammed),
            near,
            NearestHop(upstream, s => state(s).Jammed),
            NearestHop(downstream, s => state(s).IsNew));
    }

    private static int NearestHop<T>(IReadOnlyList<IReadOnlyList<T>> rings, Func<T, bool> match)
    {
        for (var hop = 0; hop < Math.Min(MaxHops, rings.Count); hop++)
        {
            if (rings[hop].Any(match))
            {
                return hop + 1;
            }
        }

        return NoJam;
    }
}

/// <summary>
/// The jam features of one detector: hops to the nearest jammed segment downstream and upstream, jammed segments
/// within <see cref="TrafficJams.NearHops"/> hops (both ways), and hops to the nearest new jam downstream;
/// <see cref="TrafficJams.NoJam"/> when none is within <see cref="TrafficJams.MaxHops"/>.
/// </summary>
public readonly record struct JamSurroundings(int HopsDownstream, int JammedNearby, int HopsUpstream, int NewJamHopsDownstream)
{
    /// <summary>No jam anywhere near (or no map to look along).</summary>
    public static JamSurroundings None { get; } = new(TrafficJams.NoJam, 0, TrafficJams.NoJam, TrafficJams.NoJam);
}
