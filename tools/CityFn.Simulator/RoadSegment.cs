namespace CityFn.Simulator;

/// <summary>
/// A directed road between two neighbouring intersections, with one traffic detector at its midpoint.
/// <see cref="Id"/> names the start intersection and heading, e.g. "seg-r3c4-E".
/// </summary>
public sealed record RoadSegment(
    int Index,
    string Id,
    string DetectorId,
    int FromRow,
    int FromColumn,
    Direction Heading,
    bool IsArterial,
    double LengthKm,
    int Lanes,
    double FreeFlowSpeedKmh,
    double JamDensityVehPerKm,
    double CapacityVehPerHour)
{
    public int ToRow => FromRow + Heading.Step().RowStep;

    public int ToColumn => FromColumn + Heading.Step().ColumnStep;

    /// <summary>Speed at which a queue grows backwards (triangular fundamental diagram).</summary>
    public double BackwardWaveSpeedKmh => CapacityVehPerHour / (JamDensityVehPerKm - (CapacityVehPerHour / FreeFlowSpeedKmh));

    public static string IdFor(int row, int column, Direction heading) => $"seg-r{row}c{column}-{heading.Letter()}";
}
