namespace CityFn.Core.Features;

/// <summary>
/// Time of day and day of week as points on circles, so 23:59 sits next to 00:00 and Sunday next to Monday.
/// Uses the clock of the <see cref="DateTimeOffset"/> as given: pass the city's local time.
/// </summary>
public static class CalendarEncoding
{
    public static (float Sin, float Cos) TimeOfDay(DateTimeOffset time)
    {
        var angle = 2 * Math.PI * time.TimeOfDay.TotalMinutes / (24 * 60);
        return ((float)Math.Sin(angle), (float)Math.Cos(angle));
    }

    public static (float Sin, float Cos) DayOfWeek(DateTimeOffset time)
    {
        // Fractional days so the encoding also moves smoothly across midnight.
        var day = (int)time.DayOfWeek + (time.TimeOfDay.TotalMinutes / (24 * 60));
        var angle = 2 * Math.PI * day / 7;
        return ((float)Math.Sin(angle), (float)Math.Cos(angle));
    }

    public static float Weekend(DateTimeOffset time) =>
        time.DayOfWeek is System.DayOfWeek.Saturday or System.DayOfWeek.Sunday ? 1f : 0f;
}
