using System.Diagnostics;
using CityFn.Core.Features;
using CityFn.Simulator;
using CityFn.Training.Onnx;
using CityFn.Training.Trees;

namespace CityFn.Training.Forecast;

/// <summary>What one forecast training run produced.</summary>
public sealed record ForecastResult(
    JamSwitchForecaster Model,
    byte[] Onnx,
    ForecastTestMetrics Test,
    ForecastTestMetrics Validation,
    int TrainRows,
    TimeSpan SimulationTime,
    TimeSpan TrainingTime,
    IReadOnlyList<(string Set, TrafficDaySimulation Day)> Days,
    IReadOnlyList<CongestedRowKind> TestCongestedKinds,
    IReadOnlyList<(TrafficDaySimulation Day, ForecastTestMetrics Metrics)> TestPerDay);

/// <summary>
/// The traffic-forecast model: mean speed of the 5 minutes starting 15 minutes ahead, per detector. Three gradient-boosted tree ensembles
/// (<see cref="JamSwitchForecaster"/>): a jam classifier on log loss and two regressors on absolute error for the
/// change from the latest speed; the ONNX graph switches between the regressors on the classifier's logit and adds
/// the latest speed back, so the output is km/h.
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

    /// <summary>
    /// Held out: the next week's Tuesday to Friday, each with its own seed (so its own demand level and incidents). The
    /// bars are judged on all four together; the card also lists each day, since a day's congestion comes from a few
    /// incidents and its ratio alone moves a lot.
    /// </summary>
    public static IReadOnlyList<TrafficDay> TestDays { get; } =
    [
        new(new DateTimeOffset(2026, 3, 10, 0, 0, 0, TimeSpan.Zero), 201),
        new(new DateTimeOffset(2026, 3, 11, 0, 0, 0, TimeSpan.Zero), 202),
        new(new DateTimeOffset(2026, 3, 12, 0, 0, 0, TimeSpan.Zero), 203),
        new(new DateTimeOffset(2026, 3, 13, 0, 0, 0, TimeSpan.Zero), 204),
    ];

    /// <summary>The jam classifier: is the detector's segment jammed (the congested definition) over the forecast's minutes?</summary>
    public static GradientBoostingOptions ClassifierOptions { get; } = new()
    {
        Loss = BoostingLoss.Logistic,
        MaxTrees = 300,
        LearningRate = 0.2,
        MaxLeaves = 31,
        MinLeafRows = 50,
        L2 = 1,
        RowSample = 0.5,
        // Jams are rare (about 2 % of rows): without a cap the first tree's leaves jump to extreme logits.
        MaxLeafStep = 2,
        EarlyStoppingTrees = 30,
        Seed = 1,
    };

    /// <summary>The regressor for rows the classifier calls jammed (fitted on the rows that are jammed over the forecast's minutes).</summary>
    public static GradientBoostingOptions JammedOptions { get; } = ClassifierOptions with
    {
        Loss = BoostingLoss.Absolute,
        MaxLeafStep = 0,
    };

    /// <summary>The regressor for rows the classifier calls free (fitted on the rows that are free over the forecast's minutes).</summary>
    public static GradientBoostingOptions FreeOptions { get; } = JammedOptions with { MinLeafRows = 200 };

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
        // Per day for the card's per-day table; together they are the test set.
        var testPerDay = testDays.Select(d => ForecastSamples.Build(network, [d], Stride, historical)).ToArray();
        var test = ForecastSamples.Concat(testPerDay);
        log.WriteLine($"forecast: {train.Rows} training rows, {validation.Rows} validation rows, {test.Rows} test rows");

        clock.Restart();
        var model = Train(train, validation);
        var trainingTime = clock.Elapsed;
        log.WriteLine($"forecast: {model.JamClassifier.Trees.Count} classifier, {model.Jammed.Trees.Count} jammed and {model.Free.Trees.Count} free trees in {trainingTime.TotalSeconds:F1} s");

        var testForecast = Predict(model, test);
        var validationForecast = Predict(model, validation);
        var testMetrics = Measure(test, testForecast, historical);
        var validationMetrics = Measure(validation, validationForecast, historical);
        var onnx = TreeEnsembleOnnx.WriteSwitch(
            model.JamClassifier,
            model.Jammed,
            model.Free,
            TrafficForecastFeatures.Names,
            TrafficForecastFeatures.Version,
            OutputName,
            TrafficForecastFeatures.SpeedColumn,
            "traffic_forecast",
            "CityFn traffic forecast: mean speed (km/h) of the 5 minutes starting 15 minutes after the latest, per detector.");
        var days = trainDays.Select(d => ("train", d)).Concat(validationDays.Select(d => ("validation", d))).Concat(testDays.Select(d => ("test", d))).ToList();
        return new ForecastResult(
            model, onnx, testMetrics, validationMetrics, train.Rows, simulationTime, trainingTime, days, CongestedRowKind.Measure(test, testForecast, historical),
            [.. testDays.Zip(testPerDay, (day, samples) => (day, Measure(model, samples, historical)))]);
    }

    public static HistoricalAverage History(IEnumerable<TrafficDaySimulation> trainDays) =>
        new([.. trainDays.Where(HistoricalAverage.IsWeekday)]);

    /// <summary>Fits the classifier on every row, each regressor on the rows of its regime (validation split the same way).</summary>
    public static JamSwitchForecaster Train(ForecastSamples train, ForecastSamples validation)
    {
        ArgumentNullException.ThrowIfNull(train);
        ArgumentNullException.ThrowIfNull(validation);
        var classifier = new GradientBoosting(ClassifierOptions).Train(
            train.Matrix.Where(_ => true, r => train.CongestedThen[r] ? 1 : 0),
            validation.Matrix.Where(_ => true, r => validation.CongestedThen[r] ? 1 : 0));
        var jammed = new GradientBoosting(JammedOptions).Train(
            train.Matrix.Where(r => train.CongestedThen[r]), validation.Matrix.Where(r => validation.CongestedThen[r]));
        var free = new GradientBoosting(FreeOptions).Train(
            train.Matrix.Where(r => !train.CongestedThen[r]), validation.Matrix.Where(r => !validation.CongestedThen[r]));
        return new JamSwitchForecaster(classifier, jammed, free);
    }

    private static ForecastTestMetrics Measure(ForecastSamples samples, double[] forecast, HistoricalAverage historical) =>
        new(ForecastMetrics.Measure(samples, forecast, historical, againstTruth: true), ForecastMetrics.Measure(samples, forecast, historical, againstTruth: false));

    private static ForecastTestMetrics Measure(JamSwitchForecaster model, ForecastSamples samples, HistoricalAverage historical) =>
        Measure(samples, Predict(model, samples), historical);

    public static double[] Predict(JamSwitchForecaster model, ForecastSamples samples)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(samples);
        var forecast = new double[samples.Rows];
        for (var r = 0; r < samples.Rows; r++)
        {
            forecast[r] = samples.Latest(r) + model.PredictChange(samples.Matrix.Row(r));
        }

        return forecast;
    }
}
