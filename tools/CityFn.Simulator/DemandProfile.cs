namespace CityFn.Simulator;

/// <summary>
/// How busy the city is at a moment, as a multiplier of the base inflow (1.0 ≈ weekday morning peak).
/// Uses the wall-clock time and day of the given offset (its local time), so pass times in the city's zone.
/// </summary>
public static class DemandProfile
{
    public static double Multiplier(DateTimeOffset time)
    {
        var hour = time.TimeOfDay.TotalHours;
        var weekend = time.DayOfWeek is DayOfWeek.Saturday or DayOfWeek.Sunday;
        if (weekend)
        {
            // One broad midday hump, no commuter peaks.
            return 0.08 + (0.42 * Bump(hour, 13.5, 3.5));
        }

        // Daytime background plus the morning (≈7–9) and evening (≈16–19) commuter peaks.
        return 0.08
            + (0.30 * Bump(hour, 13, 4.5))
            + (0.76 * Bump(hour, 8, 0.9))
            + (0.55 * Bump(hour, 17.5, 1.2));
    }

    private static double Bump(double hour, double centre, double width)
    {
        var distance = (hour - centre) / width;
        return Math.Exp(-0.5 * distance * distance);
    }
}
