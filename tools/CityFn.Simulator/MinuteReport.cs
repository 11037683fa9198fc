namespace CityFn.Simulator;

/// <summary>Everything one simulated minute produced, with cumulative vehicle counts at its end.</summary>
public sealed record MinuteReport(
    DateTimeOffset MinuteStart,
    IReadOnlyList<DetectorReading> Readings,
    double VehiclesEntered,
    double VehiclesExited,
    double VehiclesOnNetwork);
