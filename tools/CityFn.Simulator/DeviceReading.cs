namespace CityFn.Simulator;

/// <summary>
/// One device in one minute. <see cref="True"/> is the noise-free value of each channel (wire order);
/// <see cref="Emitted"/> is what the device sends — measurement noise always, the fault when
/// <see cref="Fault"/> is not None — or null when it sends nothing (dropout). For a replay,
/// <see cref="ReplayOfMinute"/> is the minute whose message is re-sent and <see cref="Emitted"/> its values.
/// </summary>
public sealed record DeviceReading(
    SimulatedDevice Device,
    int Minute,
    DateTimeOffset MinuteStart,
    IReadOnlyList<double> True,
    IReadOnlyList<double>? Emitted,
    FaultKind Fault,
    int? ReplayOfMinute);

/// <summary>Everything one simulated minute produced: weather, the traffic model's detector aggregates, and every device's reading (by device index).</summary>
public sealed record SimulationMinute(
    int Minute,
    DateTimeOffset MinuteStart,
    WeatherState Weather,
    MinuteReport Traffic,
    IReadOnlyList<DeviceReading> Readings);
