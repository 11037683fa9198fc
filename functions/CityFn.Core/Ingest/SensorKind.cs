namespace CityFn.Core.Ingest;

/// <summary>What a device measures. The wire names are the lowercase strings in <see cref="SensorKinds"/>.</summary>
public enum SensorKind
{
    Traffic,
    Air,
    Noise,
    Weather,
}

/// <summary>One measured quantity of a kind: its wire name (unit in the name), unit and physically possible range.</summary>
public sealed record SensorChannel(string Name, string Unit, double Min, double Max);

public static class SensorKinds
{
    private static readonly SensorChannel[] Traffic =
    [
        new("flow_veh_h", "vehicles/hour", 0, 10_000),
        new("occupancy_pct", "percent of time occupied", 0, 100),
        new("speed_kmh", "km/h", 0, 300),
    ];

    private static readonly SensorChannel[] Air =
    [
        new("pm25_ugm3", "µg/m³", 0, 1_000),
        new("pm10_ugm3", "µg/m³", 0, 2_000),
        new("no2_ugm3", "µg/m³", 0, 2_000),
    ];

    private static readonly SensorChannel[] Noise = [new("laeq_dba", "dB(A)", 20, 140)];

    private static readonly SensorChannel[] Weather =
    [
        new("temperature_c", "°C", -60, 60),
        new("humidity_pct", "percent relative humidity", 0, 100),
    ];

    /// <summary>The channels a message of <paramref name="kind"/> carries, in their canonical order.</summary>
    public static IReadOnlyList<SensorChannel> Channels(SensorKind kind) => kind switch
    {
        SensorKind.Traffic => Traffic,
        SensorKind.Air => Air,
        SensorKind.Noise => Noise,
        SensorKind.Weather => Weather,
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "Unknown sensor kind."),
    };

    public static string WireName(SensorKind kind) => kind switch
    {
        SensorKind.Traffic => "traffic",
        SensorKind.Air => "air",
        SensorKind.Noise => "noise",
        SensorKind.Weather => "weather",
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "Unknown sensor kind."),
    };

    public static bool TryParse(string? wireName, out SensorKind kind)
    {
        switch (wireName)
        {
            case "traffic": kind = SensorKind.Traffic; return true;
            case "air": kind = SensorKind.Air; return true;
            case "noise": kind = SensorKind.Noise; return true;
            case "weather": kind = SensorKind.Weather; return true;
            default: kind = default; return false;
        }
    }
}
