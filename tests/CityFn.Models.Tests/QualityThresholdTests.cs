using CityFn.Core.Ingest;
using CityFn.Simulator;
using CityFn.Training.Quality;

namespace CityFn.Models.Tests;

public sealed class QualityThresholdTests
{
    [Fact]
    public void The_flag_threshold_is_the_best_validation_f1_that_keeps_clean_windows_under_the_bar()
    {
        // Two noise meters over two hours: one healthy, one stuck throughout; four windows each (ending 90, 100, 110, 120).
        const int minutes = 120;
        var random = new Random(1);
        double[] Series() => [.. Enumerable.Range(0, minutes).Select(_ => Math.Round(60 + random.NextDouble(), 1))];
        var labels = new[] { new FaultKind[minutes], Enumerable.Repeat(FaultKind.StuckAt, minutes).ToArray() };
        var city = new QualityCity([SensorKind.Noise, SensorKind.Noise], [Series(), Series()], labels, [[1], [0]], minutes);
        var samples = QualitySamples.Build([city]);
        Assert.Equal(8, samples.Rows);

        // Scores given, not predicted: the clean windows reach 0.6, the faulty ones start at 0.4.
        var clean = new Queue<double>([0.1, 0.2, 0.3, 0.6]);
        var faulty = new Queue<double>([0.4, 0.5, 0.7, 0.9]);
        var scores = samples.Kind.Select(k => k == FaultKind.None ? clean.Dequeue() : faulty.Dequeue()).ToArray();

        // At 0.31 F1 would be 8/9 with one clean window of four flagged; the bar allows none here, so the best
        // threshold above 0.6 is chosen: two of the faulty windows, F1 2/3.
        var threshold = QualityTraining.ChooseThreshold(samples, scores);

        Assert.Equal(0.61, threshold, 1e-9);
        var metrics = QualityMetrics.Measure(samples, scores, threshold);
        Assert.Equal(0, metrics.CleanFalsePositiveRate);
        Assert.Equal(2.0 / 3, metrics.F1, 1e-9);
    }
}
