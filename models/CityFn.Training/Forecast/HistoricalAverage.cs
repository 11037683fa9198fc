using CityFn.Core.Features;

namespace CityFn.Training.Forecast;

/// <summary>
/// The detector's usual speed at a minute of the day: the mean over the training weekdays (all days share
/// one clock: they start at <see cref="TrafficScenario.FirstHour"/>). It is the historical-average baseline,
/// and the model's <c>historical_speed_kmh</c> feature. For a training day itself the mean leaves that day
/// out, so the feature never contains the answer.
/// </summary>
public sealed class HistoricalAverage
{
    private readonly IReadOnlyList<TrafficDaySimulation> _days;
    private readonly double[][] _sum;

    public HistoricalAverage(IReadOnlyList<TrafficDaySimulation> days)
    {
        ArgumentNullException.ThrowIfNull(days);
        if (days.Count < 2)
        {
            throw new ArgumentException("The historical average needs at least two days (one is left out for its own rows).", nameof(days));
        }

        _days = days;
        var detectors = days[0].Minutes.Length;
        var minutes = days[0].MinuteCount;
        _sum = new double[detectors][];
        for (var d = 0; d < detectors; d++)
        {
            _sum[d] = new double[minutes];
            for (var m = 0; m < minutes; m++)
            {
                foreach (var day in days)
                {
                    _sum[d][m] += day.Minutes[d][m].SpeedKmh;
                }
            }
        }
    }

    public double Forecast(int detector, int minute) => _sum[detector][minute] / _days.Count;

    /// <summary>The baseline for a forecast row: the mean of <see cref="Forecast"/> over the forecast's minutes from <paramref name="firstMinute"/>.</summary>
    public double ForecastTarget(int detector, int firstMinute)
    {
        var sum = 0.0;
        for (var m = firstMinute; m < firstMinute + TrafficForecastFeatures.TargetMinutes; m++)
        {
            sum += Forecast(detector, m);
        }

        return sum / TrafficForecastFeatures.TargetMinutes;
    }

    /// <summary>The mean over the days other than <paramref name="day"/> (all of them when it is not one of them).</summary>
    public double ForecastExcluding(TrafficDaySimulation day, int detector, int minute) =>
        _days.Contains(day)
            ? (_sum[detector][minute] - day.Minutes[detector][minute].SpeedKmh) / (_days.Count - 1)
            : Forecast(detector, minute);

    public static bool IsWeekday(TrafficDaySimulation day)
    {
        ArgumentNullException.ThrowIfNull(day);
        return day.Day.Date.DayOfWeek is not (DayOfWeek.Saturday or DayOfWeek.Sunday);
    }
}
