using System.Text.Json.Serialization;

namespace CityFn.Training.Forecast;

/// <summary>
/// Mean absolute errors (km/h) of the model and both baselines, overall and on congested rows, and of the true speed
/// itself (a perfect forecast: 0 against the true speed, the detectors' noise floor against their readings).
/// </summary>
public sealed record ForecastMetrics(
    [property: JsonPropertyName("rows")] int Rows,
    [property: JsonPropertyName("congested_rows")] int CongestedRows,
    [property: JsonPropertyName("model_mae_kmh")] double ModelMae,
    [property: JsonPropertyName("model_mae_congested_kmh")] double ModelMaeCongested,
    [property: JsonPropertyName("persistence_mae_kmh")] double PersistenceMae,
    [property: JsonPropertyName("persistence_mae_congested_kmh")] double PersistenceMaeCongested,
    [property: JsonPropertyName("historical_average_mae_kmh")] double HistoricalAverageMae,
    [property: JsonPropertyName("historical_average_mae_congested_kmh")] double HistoricalAverageMaeCongested,
    [property: JsonPropertyName("true_speed_mae_kmh")] double TrueSpeedMae)
{
    public double RatioToPersistence => ModelMae / PersistenceMae;

    public double RatioToPersistenceCongested => ModelMaeCongested / PersistenceMaeCongested;

    public double RatioToHistoricalAverage => ModelMae / HistoricalAverageMae;

    public double RatioToHistoricalAverageCongested => ModelMaeCongested / HistoricalAverageMaeCongested;

    /// <summary>The bars: at most 0.85 × persistence and 0.7 × historical average, overall and congested.</summary>
    public bool MeetsBars =>
        RatioToPersistence <= 0.85 && RatioToPersistenceCongested <= 0.85
        && RatioToHistoricalAverage <= 0.7 && RatioToHistoricalAverageCongested <= 0.7;

    /// <summary>
    /// Scores <paramref name="forecast"/> (km/h per row) and both baselines on <paramref name="samples"/>, against the
    /// noise-free speed (<paramref name="againstTruth"/>) or the reading the detector reported.
    /// </summary>
    public static ForecastMetrics Measure(ForecastSamples samples, IReadOnlyList<double> forecast, HistoricalAverage historical, bool againstTruth)
    {
        ArgumentNullException.ThrowIfNull(samples);
        ArgumentNullException.ThrowIfNull(forecast);
        ArgumentNullException.ThrowIfNull(historical);
        double model = 0, modelC = 0, last = 0, lastC = 0, average = 0, averageC = 0, perfect = 0;
        var congested = 0;
        for (var r = 0; r < samples.Rows; r++)
        {
            var actual = againstTruth ? samples.ActualTrue[r] : samples.Actual[r];
            var m = Math.Abs(forecast[r] - actual);
            var p = Math.Abs(samples.Persistence(r) - actual);
            var h = Math.Abs(historical.ForecastTarget(samples.Detector[r], samples.TargetMinute[r]) - actual);
            model += m;
            last += p;
            average += h;
            perfect += Math.Abs(samples.ActualTrue[r] - actual);
            if (samples.Congested[r])
            {
                congested++;
                modelC += m;
                lastC += p;
                averageC += h;
            }
        }

        var n = Math.Max(1, samples.Rows);
        var c = Math.Max(1, congested);
        return new ForecastMetrics(samples.Rows, congested, model / n, modelC / c, last / n, lastC / c, average / n, averageC / c, perfect / n);
    }
}

/// <summary>The test metrics a model card reports: against the true speed and against the detectors' readings.</summary>
public sealed record ForecastTestMetrics(
    [property: JsonPropertyName("against_true_speed")] ForecastMetrics AgainstTruth,
    [property: JsonPropertyName("against_readings")] ForecastMetrics AgainstReadings);

/// <summary>
/// MAE (km/h, against the true speed) of the model and both baselines on one kind of congested row: onset (free now,
/// congested over the forecast's minutes), ongoing (congested at both) or clearing (congested now, free then).
/// </summary>
public sealed record CongestedRowKind(string Kind, int Rows, double ModelMae, double PersistenceMae, double HistoricalAverageMae)
{
    public static IReadOnlyList<CongestedRowKind> Measure(ForecastSamples samples, IReadOnlyList<double> forecast, HistoricalAverage historical)
    {
        ArgumentNullException.ThrowIfNull(samples);
        ArgumentNullException.ThrowIfNull(forecast);
        ArgumentNullException.ThrowIfNull(historical);
        var kinds = new[] { "onset", "ongoing", "clearing" };
        var sums = new double[kinds.Length, 3];
        var rows = new int[kinds.Length];
        for (var r = 0; r < samples.Rows; r++)
        {
            if (!samples.Congested[r])
            {
                continue;
            }

            var actual = samples.ActualTrue[r];
            var k = !samples.CongestedNow[r] ? 0 : samples.CongestedThen[r] ? 1 : 2;
            rows[k]++;
            sums[k, 0] += Math.Abs(forecast[r] - actual);
            sums[k, 1] += Math.Abs(samples.Persistence(r) - actual);
            sums[k, 2] += Math.Abs(historical.ForecastTarget(samples.Detector[r], samples.TargetMinute[r]) - actual);
        }

        return [.. kinds.Select((kind, k) => new CongestedRowKind(
            kind, rows[k], sums[k, 0] / Math.Max(1, rows[k]), sums[k, 1] / Math.Max(1, rows[k]), sums[k, 2] / Math.Max(1, rows[k])))];
    }
}
