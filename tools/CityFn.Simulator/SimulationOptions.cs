using System.Globalization;

namespace CityFn.Simulator;

/// <summary>
/// Everything a <see cref="CitySimulation"/> run depends on. Same options → identical output.
/// </summary>
public sealed record SimulationOptions
{
    /// <summary>A Wednesday at midnight (times are the city's local clock, as <see cref="DemandProfile"/> reads them).</summary>
    public static readonly DateTimeOffset DefaultStart = DateTimeOffset.Parse("2026-11-25T00:00:00Z", CultureInfo.InvariantCulture);

    public int Seed { get; init; } = 1;

    /// <summary>Number of devices; <see cref="TrafficShare"/> of them are traffic detectors (at most one per segment).</summary>
    public int Devices { get; init; } = 150;

    public double TrafficShare { get; init; } = 0.5;

    /// <summary>First simulated minute; must be on a whole minute.</summary>
    public DateTimeOffset Start { get; init; } = DefaultStart;

    public int Minutes { get; init; } = 60;

    /// <summary>Expected fraction of device-minutes inside a fault episode (0 = a healthy city).</summary>
    public double FaultRate { get; init; } = 0.05;

    /// <summary>The kinds faults are drawn from, uniformly.</summary>
    public IReadOnlyList<FaultKind> FaultKinds { get; init; } = Simulator.FaultKinds.All;

    public NetworkOptions Network { get; init; } = new();

    /// <summary>Multiplies all traffic demand.</summary>
    public double DemandScale { get; init; } = 1;

    /// <summary>Mean number of random incidents per simulated day (0 for none).</summary>
    public double IncidentsPerDay { get; init; } = 4;

    /// <summary>Incidents that happen in addition to the random ones (for scenarios and tests).</summary>
    public IReadOnlyList<Incident> Incidents { get; init; } = [];

    internal void Validate()
    {
        if (Devices < 1)
        {
            throw new ArgumentException($"Devices must be at least 1, got {Devices}.");
        }

        if (Minutes < 1)
        {
            throw new ArgumentException($"Minutes must be at least 1, got {Minutes}.");
        }

        if (FaultRate is < 0 or >= 1 || double.IsNaN(FaultRate))
        {
            throw new ArgumentException($"FaultRate must be in [0, 1), got {FaultRate}.");
        }

        if (TrafficShare is < 0 or > 1 || double.IsNaN(TrafficShare))
        {
            throw new ArgumentException($"TrafficShare must be in [0, 1], got {TrafficShare}.");
        }

        if (IncidentsPerDay < 0 || DemandScale < 0)
        {
            throw new ArgumentException("IncidentsPerDay and DemandScale must not be negative.");
        }

        if (Start.Ticks % TimeSpan.TicksPerMinute != 0)
        {
            throw new ArgumentException($"Start must be on a whole minute, got {Start:O}.");
        }

        if (FaultKinds.Contains(FaultKind.None))
        {
            throw new ArgumentException("FaultKinds lists the kinds of fault to draw; None is not one.");
        }
    }
}
