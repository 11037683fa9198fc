using System.Diagnostics;
using CityFn.Core.Features;
using CityFn.Core.Scoring;
using CityFn.Simulator;
using CityFn.Training.Onnx;
using CityFn.Training.Trees;

namespace CityFn.Training.Quality;

/// <summary>What one quality training run produced.</summary>
public sealed record QualityResult(
    TreeEnsemble Ensemble,
    byte[] Onnx,
    QualityTestMetrics Test,
    QualityTestMetrics Validation,
    double Threshold,
    int TrainRows,
    int TrainFaultyRows,
    int TestAmbiguous,
    TimeSpan SimulationTime,
    TimeSpan TrainingTime);

/// <summary>
/// The sensor-quality model: probability that a device's 30-minute window is faulty or fabricated.
/// Gradient-boosted trees on log loss; the ONNX graph ends in a sigmoid, so the output is a probability.
/// </summary>
public static class QualityTraining
{
    public const string ModelName = "sensor-quality";
    public const string OutputName = "fault_probability";
    public const double FaultRate = 0.08;

    /// <summary>The rule baseline scores 0 or 1; it flags at this threshold.</summary>
    public const double RuleThreshold = 0.5;

    /// <summary>The flag thresholds tried on the validation city: 0.05, 0.06, …, 0.95.</summary>
    public static IReadOnlyList<double> CandidateThresholds { get; } = [.. Enumerable.Range(5, 91).Select(i => i / 100.0)];

    /// <summary>Serving's default sensor-fault alert threshold (<see cref="ScoringOptions.FaultAlertThreshold"/>).</summary>
    public static double AlertThreshold { get; } = new ScoringOptions().FaultAlertThreshold;

    /// <summary>The bar on clean windows: the chosen threshold may flag at most this share of them.</summary>
    public const double MaxCleanFalsePositiveRate = 0.02;

    /// <summary>Each seed is a different city (network, devices, weather, incidents, faults), one day long.</summary>
    public static IReadOnlyList<int> TrainSeeds { get; } = [11, 12, 13, 14, 15];

    public static IReadOnlyList<int> ValidationSeeds { get; } = [21];

    public static IReadOnlyList<int> TestSeeds { get; } = [31];

    public static GradientBoostingOptions Options { get; } = new()
    {
        Loss = BoostingLoss.Logistic,
        MaxTrees = 300,
        LearningRate = 0.1,
        MaxLeaves = 31,
        MinLeafRows = 20,
        L2 = 1,
        RowSample = 0.8,
        EarlyStoppingTrees = 30,
        Seed = 1,
    };

    public static SimulationOptions City(int seed) => new()
    {
        Seed = seed,
        Devices = 150,
        Minutes = 24 * 60,
        FaultRate = FaultRate,
    };

    public static QualitySamples Samples(IEnumerable<int> seeds)
    {
        var list = seeds.ToArray();
        var parts = new QualitySamples[list.Length];
        // Cities are independent and each deterministic; building them in parallel changes nothing.
        Parallel.For(0, list.Length, i => parts[i] = QualitySamples.Build([City(list[i])]));
        return QualitySamples.Concat(parts);
    }

    public static QualityResult Run(TextWriter log)
    {
        ArgumentNullException.ThrowIfNull(log);
        var clock = Stopwatch.StartNew();
        var train = Samples(TrainSeeds);
        var validation = Samples(ValidationSeeds);
        var test = Samples(TestSeeds);
        var simulationTime = clock.Elapsed;
        var faulty = train.Matrix.Labels.Count(l => l > 0.5);
        log.WriteLine($"quality: {train.Rows} training windows ({faulty} faulty), {validation.Rows} validation, {test.Rows} test ({test.Ambiguous} ambiguous left out) in {simulationTime.TotalSeconds:F1} s");

        clock.Restart();
        var ensemble = new GradientBoosting(Options).Train(train.Matrix, validation.Matrix);
        var trainingTime = clock.Elapsed;
        log.WriteLine($"quality: {ensemble.Trees.Count} trees in {trainingTime.TotalSeconds:F1} s");
        var threshold = ChooseThreshold(validation, Predict(ensemble, validation));
        log.WriteLine($"quality: flag threshold {threshold:0.00} (best validation F1 with at most {MaxCleanFalsePositiveRate:P0} of clean windows flagged)");

        var onnx = TreeEnsembleOnnx.Write(
            ensemble,
            SensorQualityFeatures.Names,
            SensorQualityFeatures.Version,
            OutputName,
            OutputLink.Sigmoid,
            0,
            "sensor_quality",
            "CityFn sensor quality: probability that a device's 30-minute window is faulty or fabricated.");
        return new QualityResult(
            ensemble,
            onnx,
            Measure(ensemble, test, threshold),
            Measure(ensemble, validation, threshold),
            threshold,
            train.Rows,
            faulty,
            test.Ambiguous,
            simulationTime,
            trainingTime);
    }

    /// <summary>
    /// The flag threshold, chosen on the validation city only: the candidate with the best F1 among those that flag
    /// at most <see cref="MaxCleanFalsePositiveRate"/> of clean windows (the lowest such candidate on a tie; 0.5 when
    /// none qualifies). The test city never takes part, so its metrics stay a fair estimate.
    /// </summary>
    public static double ChooseThreshold(QualitySamples validation, IReadOnlyList<double> scores)
    {
        var best = (Threshold: 0.5, F1: double.NegativeInfinity);
        foreach (var threshold in CandidateThresholds)
        {
            var metrics = QualityMetrics.Measure(validation, scores, threshold);
            if (metrics.CleanFalsePositiveRate <= MaxCleanFalsePositiveRate && metrics.F1 > best.F1)
            {
                best = (threshold, metrics.F1);
            }
        }

        return best.Threshold;
    }

    public static double[] Predict(TreeEnsemble ensemble, QualitySamples samples)
    {
        ArgumentNullException.ThrowIfNull(ensemble);
        ArgumentNullException.ThrowIfNull(samples);
        return [.. Enumerable.Range(0, samples.Rows).Select(r => GradientBoosting.Sigmoid(ensemble.Predict(samples.Matrix.Row(r))))];
    }

    public static QualityMetrics RuleBaseline(QualitySamples samples)
    {
        ArgumentNullException.ThrowIfNull(samples);
        var scores = Enumerable.Range(0, samples.Rows).Select(r => QualityRules.Score(samples.Matrix.Row(r))).ToArray();
        return QualityMetrics.Measure(samples, scores, RuleThreshold);
    }

    private static QualityTestMetrics Measure(TreeEnsemble ensemble, QualitySamples samples, double threshold)
    {
        var scores = Predict(ensemble, samples);
        return new(
            QualityMetrics.Measure(samples, scores, threshold),
            RuleBaseline(samples),
            QualityMetrics.Measure(samples, scores, AlertThreshold));
    }
}
