namespace CityFn.Simulator;

/// <summary>
/// One detector's one-minute aggregate: flow in vehicles per hour, occupancy 0..1 (density / jam density),
/// space-mean speed in km/h (flow / density, capped at free-flow speed; free-flow speed when empty).
/// </summary>
public sealed record DetectorReading(
    string DetectorId,
    string SegmentId,
    DateTimeOffset MinuteStart,
    double FlowVehPerHour,
    double Occupancy,
    double SpeedKmh);
