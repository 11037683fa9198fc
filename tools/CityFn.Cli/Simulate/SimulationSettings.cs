using CityFn.Simulator;

namespace CityFn.Cli.Simulate;

/// <summary>What `cityfn simulate` was asked for. The city itself is <see cref="City"/>; the rest is about the wire.</summary>
public sealed record SimulationSettings(SimulationOptions City, int Partitions = 4, string Namespace = "cityfn", long ChainId = 31337)
{
    public const string TrafficHub = "traffic";
    public const string SensorsHub = "sensors";

    /// <summary>One owner (payout wallet) per this many devices; device i belongs to owner i mod owners.</summary>
    public const int DevicesPerOwner = 5;

    public int Owners => Math.Max(1, City.Devices / DevicesPerOwner);
}
