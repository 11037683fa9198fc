using System.Diagnostics;
using CityFn.Core.Features;
using CityFn.Simulator;
using CityFn.Training.Onnx;
using CityFn.Training.Trees;

namespace CityFn.Training.Forecast;

/// <summary>What one forecast training run produced.</summary>
public sealed record ForecastResult(
    TreeEnsemble Ensemble,
    byte[] Onnx,
    ForecastTestMetrics Test,
    ForecastTestMetrics Validation,
    int TrainRows,
    TimeSpan SimulationTime,
    TimeSpan TrainingTime,
    IReadOnlyList<(string Set, TrafficDaySimulation Day)> Days,
    IReadOnlyList<CongestedRowKind> TestCongestedKinds);

/// <summary>
/// The traffic-forecast model: speed 15 minutes ahead per detector. Gradient-boosted trees (squared error) on
/// the change from the latest speed; the ONNX graph adds the latest speed back, so the output is km/h.
/// </summary>
public static class ForecastTraining
{
    public const string ModelName = "traffic-forecast";
    public const string OutputName = "speed_kmh_15min";

    /// <summary>One row every this many minutes per detector: neighbouring minutes are nearly the same row.</summary>
    public const int Stride = 5;

    // Dates are city local time. 2026-03-02 is a Monday.
    public static IReadOnlyList<TrafficDay> TrainDays { get; } =
    [
        new(new DateTimeOffset(2026, 3, 2, 0, 0, 0, TimeSpan.Zero), 101),
        new(new DateTimeOffset(2026, 3, 3, 0, 0, 0, TimeSpan.Zero), 102),
        new(new DateTimeOffset(2026, 3, 4, 0, 0, 0, TimeSpan.Zero), 103),
        new(new DateTimeOffset(2026, 3, 5, 0, 0, 0, TimeSpan.Zero), 104),
        new(new DateTimeOffset(2026, 3, 7, 0, 0, 0, TimeSpan.Zero), 106),
        new(new DateTimeOffset(2026, 2, 23, 0, 0, 0, TimeSpan.Zero), 107),
        new(new DateTimeOffset(2026, 2, 24, 0, 0, 0, TimeSpan.Zero), 108),
        new(new DateTimeOffset(2026, 2, 25, 0, 0, 0, TimeSpan.Zero), 109),
        new(new DateTimeOffset(2026, 2, 26, 0, 0, 0, TimeSpan.Zero), 110),
        new(new DateTimeOffset(2026, 2, 27, 0, 0, 0, TimeSpan.Zero), 111),
    ];

    public static IReadOnlyList<TrafficDay> ValidationDays { get; } =
    [
        new(new DateTimeOffset(2026, 3, 6, 0, 0, 0, TimeSpan.Zero), 105),
    ];

    /// <summary>Held out: a weekday with its own seed (so its own demand level and incidents).</summary>
    public static IReadOnlyList<TrafficDay> TestDays { get; } =
    [
        new(new DateTimeOffset(2026, 3, 10, 0, 0, 0, TimeSpan.Zero), 201),
    ];

    public static GradientBoostingOptions Options { get; } = new()
    {
        // Huber: the metrics are absolute errors, and on congested rows squared error pulls the forecast to the mean of
        // "still jammed" and "cleared", worse than either (see the card's limits).
        Loss = BoostingLoss.Huber,
        HuberDelta = 5,
        MaxTrees = 200,
        LearningRate = 0.1,
        MaxLeaves = 31,
        MinLeafRows = 200,
        L2 = 1,
        RowSample = 0.5,
        EarlyStoppingTrees = 30,
        Seed = 1,
    };

    public static IReadOnlyList<TrafficDaySimulation> Simulate(RoadNetwork network, IReadOnlyList<TrafficDay> days)
    {
        var results = new TrafficDaySimulation[days.Count];
        // Days are independent; each is deterministic on its own, so running them in parallel changes nothing.
        Parallel.For(0, days.Count, i => results[i] = TrafficScenario.Simulate(network, days[i]));
        return results;
    }

    public static ForecastResult Run(TextWriter log)
    {
        ArgumentNullException.ThrowIfNull(log);
        var network = TrafficScenario.City();
        var clock = Stopwatch.StartNew();
        var all = Simulate(network, [.. TrainDays, .. ValidationDays, .. TestDays]);
        var trainDays = all.Take(TrainDays.Count).ToArray();
        var validationDays = all.Skip(TrainDays.Count).Take(ValidationDays.Count).ToArray();
        var testDays = all.Skip(TrainDays.Count + ValidationDays.Count).ToArray();
        var simulationTime = clock.Elapsed;
        log.WriteLine($"forecast: simulated {all.Count} days in {simulationTime.TotalSeconds:F1} s");
        foreach (var day in all)
        {
            var congestion = day.Congestion;
            log.WriteLine($"  {day.Day.Date:yyyy-MM-dd ddd} seed {day.Day.Seed}: demand × {day.DemandScale:F3}, {day.Incidents.Count} incidents; congested {congestion.CongestedShare:P2} of detector-minutes (worst hour {congestion.WorstHourShare:P1}), {congestion.CongestedAtEnd} at 22:00; queues cleared after (min) {string.Join(' ', congestion.MinutesToClear)}");
        }

        // The historical average uses the training weekdays only: the held-out days are weekdays.
        var historical = History(trainDays);
        var train = ForecastSamples.Build(network, trainDays, Stride, historical);
        var validation = ForecastSamples.Build(network, validationDays, Stride, historical);
        var test = ForecastSamples.Build(network, testDays, Stride, historical);
        log.WriteLine($"forecast: {train.Rows} training rows, {validation.Rows} validation rows, {test.Rows} test rows");

        clock.Restart();
        var booster = new GradientBoosting(Options);
        var ensemble = booster.Train(train.Matrix, validation.Matrix);
        var trainingTime = clock.Elapsed;
        log.WriteLine($"forecast: {ensemble.Trees.Count} trees in {trainingTime.TotalSeconds:F1} s");

        var testForecast = Predict(ensemble, test);
        var validationForecast = Predict(ensemble, validation);
        var testMetrics = new ForecastTestMetrics(
            ForecastMetrics.Measure(test, testForecast, historical, againstTruth: true),
            ForecastMetrics.Measure(test, testForecast, historical, againstTruth: false));
        var validationMetrics = new ForecastTestMetrics(
            ForecastMetrics.Measure(validation, validationForecast, historical, againstTruth: true),
            ForecastMetrics.Measure(validation, validationForecast, historical, againstTruth: false));
        var onnx = TreeEnsembleOnnx.Write(
            ensemble,
            TrafficForecastFeatures.Names,
            TrafficForecastFeatures.Version,
            OutputName,
            OutputLink.AddFeature,
            TrafficForecastFeatures.SpeedColumn,
            "traffic_forecast",
            "CityFn traffic forecast: mean speed (km/h) of the minute starting 15 minutes after the latest, per detector.");
        var days = trainDays.Select(d => ("train", d)).Concat(validationDays.Select(d => ("validation", d))).Concat(testDays.Select(d => ("test", d))).ToList();
        return new ForecastResult(
            ensemble, onnx, testMetrics, validationMetrics, train.Rows, simulationTime, trainingTime, days, CongestedRowKind.Measure(test, testForecast, historical));
    }

    public static HistoricalAverage History(IEnumerable<TrafficDaySimulation> trainDays) =>
        new([.. trainDays.Where(HistoricalAverage.IsWeekday)]);

    public static double[] Predict(TreeEnsemble ensemble, ForecastSamples samples)
    {
        ArgumentNullException.ThrowIfNull(ensemble);
        ArgumentNullException.ThrowIfNull(samples);
        var forecast = new double[samples.Rows];
        for (var r = 0; r < samples.Rows; r++)
        {
            forecast[r] = samples.Latest(r) + ensemble.Predict(samples.Matrix.Row(r));
        }

        return forecast;
    }
}
