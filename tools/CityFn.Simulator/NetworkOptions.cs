namespace CityFn.Simulator;

/// <summary>
/// Shape of the grid city. Units: metres, km/h, vehicles per hour per lane, vehicles per km per lane.
/// Every <see cref="ArterialEvery"/>-th row and column (starting at 0) is an arterial.
/// </summary>
public sealed record NetworkOptions
{
    public int Rows { get; init; } = 10;
    public int Columns { get; init; } = 10;
    public int ArterialEvery { get; init; } = 3;
    public double MinBlockLengthMetres { get; init; } = 250;
    public double MaxBlockLengthMetres { get; init; } = 450;
    public int LocalLanes { get; init; } = 1;
    public int ArterialLanes { get; init; } = 2;
    public double LocalFreeFlowSpeedKmh { get; init; } = 40;
    public double ArterialFreeFlowSpeedKmh { get; init; } = 60;
    public double CapacityPerLaneVehPerHour { get; init; } = 1800;
    public double JamDensityPerLaneVehPerKm { get; init; } = 150;

    internal void Validate()
    {
        if (Rows < 2 || Columns < 2)
        {
            throw new ArgumentException($"The grid needs at least 2×2 intersections, got {Rows}×{Columns}.");
        }

        if (ArterialEvery < 1)
        {
            throw new ArgumentException($"ArterialEvery must be at least 1, got {ArterialEvery}.");
        }

        if (MinBlockLengthMetres <= 0 || MaxBlockLengthMetres < MinBlockLengthMetres)
        {
            throw new ArgumentException(
                $"Block lengths must satisfy 0 < min <= max, got {MinBlockLengthMetres}..{MaxBlockLengthMetres} m.");
        }

        if (LocalLanes < 1 || ArterialLanes < 1 || LocalFreeFlowSpeedKmh <= 0 || ArterialFreeFlowSpeedKmh <= 0
            || CapacityPerLaneVehPerHour <= 0 || JamDensityPerLaneVehPerKm <= 0)
        {
            throw new ArgumentException("Lanes, speeds, capacity and jam density must all be positive.");
        }

        // Triangular fundamental diagram: capacity must be reached (critical density = capacity / speed)
        // below jam density on both road classes, or no backward wave exists.
        var slowest = Math.Min(LocalFreeFlowSpeedKmh, ArterialFreeFlowSpeedKmh);
        if (CapacityPerLaneVehPerHour / slowest >= JamDensityPerLaneVehPerKm)
        {
            throw new ArgumentException(
                $"Capacity {CapacityPerLaneVehPerHour} veh/h/lane at {slowest} km/h needs more than the jam density of {JamDensityPerLaneVehPerKm} veh/km/lane.");
        }
    }
}
