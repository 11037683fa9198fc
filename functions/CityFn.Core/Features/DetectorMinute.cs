namespace CityFn.Core.Features;

/// <summary>
/// One traffic detector's one-minute aggregate as ingest stores it: flow in vehicles per hour, occupancy in
/// percent (0..100, the wire channel <c>occupancy_pct</c>) and mean speed in km/h. A minute with no reading is
/// <see cref="Missing"/> (all NaN).
/// </summary>
public readonly record struct DetectorMinute(double FlowVehPerHour, double OccupancyPct, double SpeedKmh)
{
    public static DetectorMinute Missing { get; } = new(double.NaN, double.NaN, double.NaN);

    public bool IsMissing => double.IsNaN(SpeedKmh);
}
