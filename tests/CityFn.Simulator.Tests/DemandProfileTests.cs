namespace CityFn.Simulator.Tests;

public sealed class DemandProfileTests
{
    [Fact]
    public void Weekday_peaks_are_busier_than_night_midday_and_the_weekend()
    {
        var morningPeak = DemandProfile.Multiplier(Scenario.WeekdayAt(8));
        var eveningPeak = DemandProfile.Multiplier(Scenario.WeekdayAt(17).AddMinutes(30));
        var midday = DemandProfile.Multiplier(Scenario.WeekdayAt(12));
        var night = DemandProfile.Multiplier(Scenario.WeekdayAt(3));
        var sundayMorning = DemandProfile.Multiplier(Scenario.SundayAt(8));

        Assert.True(morningPeak > midday, $"{morningPeak} vs {midday}");
        Assert.True(eveningPeak > midday, $"{eveningPeak} vs {midday}");
        Assert.True(midday > night * 3, $"{midday} vs {night}");
        Assert.True(morningPeak > sundayMorning * 2, $"{morningPeak} vs {sundayMorning}");
        Assert.InRange(morningPeak, 0.9, 1.1);
    }

    [Fact]
    public void The_multiplier_uses_the_local_clock_of_the_offset()
    {
        var eightLocal = new DateTimeOffset(2026, 11, 25, 8, 0, 0, TimeSpan.FromHours(1));

        Assert.Equal(DemandProfile.Multiplier(Scenario.WeekdayAt(8)), DemandProfile.Multiplier(eightLocal));
    }
}
