using CityFn.Core.Features;

namespace CityFn.Models.Tests.Features;

public sealed class CalendarEncodingTests
{
    [Fact]
    public void Time_of_day_wraps_at_midnight()
    {
        var beforeMidnight = CalendarEncoding.TimeOfDay(new DateTimeOffset(2026, 3, 2, 23, 59, 0, TimeSpan.Zero));
        var midnight = CalendarEncoding.TimeOfDay(new DateTimeOffset(2026, 3, 3, 0, 0, 0, TimeSpan.Zero));
        var noon = CalendarEncoding.TimeOfDay(new DateTimeOffset(2026, 3, 3, 12, 0, 0, TimeSpan.Zero));

        Assert.True(Distance(beforeMidnight, midnight) < 0.01);
        Assert.Equal(2, Distance(midnight, noon), 1e-6);
        Assert.Equal((0f, 1f), midnight);
    }

    [Fact]
    public void Day_of_week_moves_smoothly_from_saturday_night_into_sunday_and_flags_the_weekend()
    {
        var saturdayNight = new DateTimeOffset(2026, 3, 7, 23, 59, 0, TimeSpan.Zero);
        var sundayMorning = saturdayNight.AddMinutes(2);

        Assert.True(Distance(CalendarEncoding.DayOfWeek(saturdayNight), CalendarEncoding.DayOfWeek(sundayMorning)) < 0.01);
        Assert.Equal(1f, CalendarEncoding.Weekend(saturdayNight));
        Assert.Equal(0f, CalendarEncoding.Weekend(new DateTimeOffset(2026, 3, 9, 8, 0, 0, TimeSpan.Zero)));
    }

    [Fact]
    public void The_clock_is_read_as_given_not_converted_to_utc()
    {
        var local = new DateTimeOffset(2026, 3, 2, 8, 0, 0, TimeSpan.FromHours(1));
        var sameClockUtc = new DateTimeOffset(2026, 3, 2, 8, 0, 0, TimeSpan.Zero);

        Assert.Equal(CalendarEncoding.TimeOfDay(sameClockUtc), CalendarEncoding.TimeOfDay(local));
    }

    private static double Distance((float Sin, float Cos) a, (float Sin, float Cos) b) =>
        Math.Sqrt(((a.Sin - b.Sin) * (a.Sin - b.Sin)) + ((a.Cos - b.Cos) * (a.Cos - b.Cos)));
}
