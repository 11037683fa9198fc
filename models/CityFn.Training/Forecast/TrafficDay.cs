using CityFn.Core.Features;
using CityFn.Core.Ingest;
using CityFn.Simulator;

namespace CityFn.Training.Forecast;

/// <summary>One simulated day of the training city: its date (city local time) and the seed of its incidents and demand level.</summary>
public sealed record TrafficDay(DateTimeOffset Date, int Seed);

/// <summary>An incident the scenario placed: lane closure on a segment, from start for a duration, leaving a fraction of capacity.</summary>
public sealed record ScenarioIncident(string SegmentId, DateTimeOffset Start, int Minutes, double RemainingCapacity);

/// <summary>Every detector's minute values of one simulated day.</summary>
public sealed class TrafficDaySimulation(TrafficDay day, DateTimeOffset start, DetectorMinute[][] minutes, double[][] trueSpeed, double demandScale, IReadOnlyList<ScenarioIncident> incidents, CongestionStatistics congestion)
{
    public TrafficDay Day { get; } = day;

    /// <summary>Start of minute 0.</summary>
    public DateTimeOffset Start { get; } = start;

    /// <summary>[segment index][minute since <see cref="Start"/>].</summary>
    public DetectorMinute[][] Minutes { get; } = minutes;

    /// <summary>[segment index][minute]: the noise-free speed of the traffic model (km/h), what the forecast is scored against.</summary>
    public double[][] TrueSpeed { get; } = trueSpeed;

    public double DemandScale { get; } = demandScale;

    public IReadOnlyList<ScenarioIncident> Incidents { get; } = incidents;

    public CongestionStatistics Congestion { get; } = congestion;

    public int MinuteCount => Minutes[0].Length;
}

/// <summary>
/// How congested a simulated day was, on the true speeds: the share of detector-minutes below
/// <see cref="ForecastSamples.CongestedSpeedRatio"/> of free-flow speed (all day, and in its worst hour), how many
/// detectors were still congested at the day's last minute (a gridlock would leave many), and for each incident
/// that queued, the minutes from its clearing until its segment and the segments feeding it were free again.
/// </summary>
public sealed record CongestionStatistics(double CongestedShare, double WorstHourShare, int CongestedAtEnd, IReadOnlyList<int> MinutesToClear)
{
    public static CongestionStatistics Measure(RoadNetwork network, DateTimeOffset start, double[][] trueSpeed, IReadOnlyList<ScenarioIncident> incidents)
    {
        ArgumentNullException.ThrowIfNull(network);
        ArgumentNullException.ThrowIfNull(trueSpeed);
        ArgumentNullException.ThrowIfNull(incidents);
        var minutes = trueSpeed[0].Length;
        bool Congested(int segment, int minute) =>
            trueSpeed[segment][minute] < ForecastSamples.CongestedSpeedRatio * network.Segments[segment].FreeFlowSpeedKmh;
        var perMinute = Enumerable.Range(0, minutes).Select(m => network.Segments.Count(s => Congested(s.Index, m))).ToArray();
        var worstHour = Enumerable.Range(0, minutes / 60).Max(h => perMinute.Skip(h * 60).Take(60).Sum());
        var clear = new List<int>();
        foreach (var incident in incidents)
        {
            var segment = network.Segment(incident.SegmentId);
            int[] watched = [segment.Index, .. TrafficScenario.Upstream(network, segment)];
            var from = (int)(incident.Start - start).TotalMinutes;
            var to = Math.Min(minutes, from + incident.Minutes);
            if (!Enumerable.Range(from, to - from).Any(m => watched.Any(s => Congested(s, m))))
            {
                continue;
            }

            var free = Enumerable.Range(to, minutes - to).FirstOrDefault(m => !watched.Any(s => Congested(s, m)), minutes);
            clear.Add(free - to);
        }

        return new CongestionStatistics(
            perMinute.Sum() / (double)(minutes * network.Segments.Count),
            worstHour / (60.0 * network.Segments.Count),
            perMinute[^1],
            clear);
    }
}

/// <summary>
/// The training city and its days. The city is fixed (network seed and turning/source seed
/// <see cref="CitySeed"/>, default 10×10 grid): a deployed forecast model learns one city. Each day's seed
/// draws its demand level and incidents between 06:00 and 20:00 (<see cref="ScenarioOptions.Default"/>: 1.0–1.2 × the
/// demand profile, 6–12 incidents on arterials of 30–120 minutes leaving 0–20 % of capacity). A day runs from 04:00
/// (empty roads at night) to 22:00. Congestion in the traffic model clears (drivers divert and leave jams), so every
/// day's draw is used as it comes; <see cref="TrafficDaySimulation.Congestion"/> says how congested it was.
/// </summary>
public static class TrafficScenario
{
    public const int CitySeed = 7;
    public const int FirstHour = 4;
    public const int LastHour = 22;

    public static RoadNetwork City() => RoadNetwork.Create(new NetworkOptions(), CitySeed);

    /// <summary>Simulates the day: the same network, day and options always give the same values.</summary>
    public static TrafficDaySimulation Simulate(RoadNetwork network, TrafficDay day) => Simulate(network, day, ScenarioOptions.Default);

    public static TrafficDaySimulation Simulate(RoadNetwork network, TrafficDay day, ScenarioOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(network);
        ArgumentNullException.ThrowIfNull(day);
        var seed = day.Seed;
        var random = new Random(seed);
        var demandScale = options.MinDemand + ((options.MaxDemand - options.MinDemand) * random.NextDouble());
        var start = day.Date.Date.AddHours(FirstHour);
        var startOffset = new DateTimeOffset(start, day.Date.Offset);
        // Incidents on arterials: that is where a lane closure builds a queue (local roads rarely run near capacity).
        var arterials = network.Segments.Where(s => s.IsArterial).ToArray();
        var incidents = new List<ScenarioIncident>();
        var count = options.MinIncidents + random.Next(options.MaxIncidents - options.MinIncidents + 1);
        for (var i = 0; i < count; i++)
        {
            var candidates = options.ArterialsOnly ? arterials : [.. network.Segments];
            var segment = candidates[random.Next(candidates.Length)];
            var at = startOffset.AddMinutes(((6 - FirstHour) * 60) + random.Next(14 * 60));
            incidents.Add(new ScenarioIncident(segment.Id, at, options.MinMinutes + random.Next(options.MaxMinutes - options.MinMinutes + 1), options.MinRemainingCapacity + ((options.MaxRemainingCapacity - options.MinRemainingCapacity) * random.NextDouble())));
        }

        var model = new TrafficModel(network, startOffset, CitySeed, demandScale: demandScale);
        var noise = new Random(seed ^ 0x5EED);
        var minutes = (LastHour - FirstHour) * 60;
        var values = new DetectorMinute[network.Segments.Count][];
        var trueSpeed = new double[network.Segments.Count][];
        for (var s = 0; s < values.Length; s++)
        {
            values[s] = new DetectorMinute[minutes];
            trueSpeed[s] = new double[minutes];
        }

        for (var m = 0; m < minutes; m++)
        {
            var now = startOffset.AddMinutes(m);
            foreach (var incident in incidents)
            {
                if (incident.Start == now)
                {
                    model.ApplyIncident(incident.SegmentId, incident.RemainingCapacity);
                }
                else if (incident.Start.AddMinutes(incident.Minutes) == now)
                {
                    model.ClearIncident(incident.SegmentId);
                }
            }

            var report = model.StepMinute();
            for (var s = 0; s < report.Readings.Count; s++)
            {
                var reading = report.Readings[s];
                // What a healthy loop detector reports: the simulator's measurement noise, clamped and rounded.
                var measured = MeasurementNoise.Measure(SensorKind.Traffic, [reading.FlowVehPerHour, reading.Occupancy * 100, reading.SpeedKmh], noise);
                values[s][m] = new DetectorMinute(measured[0], measured[1], measured[2]);
                trueSpeed[s][m] = reading.SpeedKmh;
            }
        }

        return new TrafficDaySimulation(
            day, startOffset, values, trueSpeed, demandScale, incidents, CongestionStatistics.Measure(network, startOffset, trueSpeed, incidents));
    }

    // The simulator keeps its direction helpers internal; the opposite heading is two quarter turns.
    private static Direction Opposite(Direction heading) => (Direction)(((int)heading + 2) % 4);

    /// <summary>Detectors on the segments leaving the end of <paramref name="segment"/> (no U-turns).</summary>
    public static int[] Downstream(RoadNetwork network, RoadSegment segment)
    {
        ArgumentNullException.ThrowIfNull(network);
        ArgumentNullException.ThrowIfNull(segment);
        return Enum.GetValues<Direction>()
            .Where(d => d != Opposite(segment.Heading))
            .Select(d => network.Outgoing(segment.ToRow, segment.ToColumn, d))
            .OfType<RoadSegment>()
            .Select(s => s.Index)
            .ToArray();
    }

    /// <summary>Detectors on the segments entering the start of <paramref name="segment"/> (no U-turns).</summary>
    public static int[] Upstream(RoadNetwork network, RoadSegment segment)
    {
        ArgumentNullException.ThrowIfNull(network);
        ArgumentNullException.ThrowIfNull(segment);
        return network.Segments
            .Where(s => s.ToRow == segment.FromRow && s.ToColumn == segment.FromColumn && s.Heading != Opposite(segment.Heading))
            .Select(s => s.Index)
            .ToArray();
    }
}

/// <summary>How a day's seed draws its demand level and incidents.</summary>
public sealed record ScenarioOptions(
    double MinDemand,
    double MaxDemand,
    int MinIncidents,
    int MaxIncidents,
    int MinMinutes,
    int MaxMinutes,
    double MinRemainingCapacity,
    double MaxRemainingCapacity,
    bool ArterialsOnly)
{
    public static ScenarioOptions Default { get; } = new(1.0, 1.2, 6, 12, 30, 120, 0.0, 0.2, true);
}
