namespace CityFn.Training.Forecast;

/// <summary>
/// The historical-average baseline: for each detector and minute of the day, the mean speed over the
/// training days (all days share the same clock: they start at <see cref="TrafficScenario.FirstHour"/>).
/// </summary>
public sealed class HistoricalAverage
{
    private readonly double[][] _mean;

    public HistoricalAverage(IReadOnlyList<TrafficDaySimulation> days)
    {
        ArgumentNullException.ThrowIfNull(days);
        if (days.Count == 0)
        {
            throw new ArgumentException("The historical average needs at least one day.", nameof(days));
        }

        var detectors = days[0].Minutes.Length;
        var minutes = days[0].MinuteCount;
        _mean = new double[detectors][];
        for (var d = 0; d < detectors; d++)
        {
            _mean[d] = new double[minutes];
            for (var m = 0; m < minutes; m++)
            {
                _mean[d][m] = days.Average(day => day.Minutes[d][m].SpeedKmh);
            }
        }
    }

    public double Forecast(int detector, int minute) => _mean[detector][minute];
}
