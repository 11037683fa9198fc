namespace CityFn.Simulator.Tests;

/// <summary>Shared scenarios: a small grid keeps the tests fast while still having arterials and interior nodes.</summary>
internal static class Scenario
{
    // Wednesday 25 November 2026; the offset is the city's local time.
    public static DateTimeOffset WeekdayAt(int hour) => new(2026, 11, 25, hour, 0, 0, TimeSpan.Zero);

    public static DateTimeOffset SundayAt(int hour) => new(2026, 11, 29, hour, 0, 0, TimeSpan.Zero);

    public static NetworkOptions SmallGrid { get; } = new() { Rows = 6, Columns = 6 };

    public static TrafficModel Model(int seed, DateTimeOffset start, double demandScale = 1) =>
        new(RoadNetwork.Create(SmallGrid, seed), start, seed, demandScale: demandScale);

    public static List<MinuteReport> Run(TrafficModel model, int minutes) =>
        Enumerable.Range(0, minutes).Select(_ => model.StepMinute()).ToList();

    /// <summary>A small city (6×6 grid) with incidents off unless a test adds them, from a weekday 07:00.</summary>
    public static SimulationOptions City(int seed, int minutes, double faultRate = 0, int devices = 60) => new()
    {
        Seed = seed,
        Minutes = minutes,
        FaultRate = faultRate,
        Devices = devices,
        Network = SmallGrid,
        IncidentsPerDay = 0,
        Start = WeekdayAt(7),
    };

    public static DetectorReading Reading(MinuteReport report, string segmentId) =>
        report.Readings.Single(r => r.SegmentId == segmentId);
}
