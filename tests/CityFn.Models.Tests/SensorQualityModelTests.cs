using CityFn.Core.Features;
using CityFn.Training;
using CityFn.Training.Quality;

namespace CityFn.Models.Tests;

[Collection(CommittedModelsCollection.Name)]
public sealed class SensorQualityModelTests(CommittedModels models)
{
    /// <summary>float32 sums can move a probability across 0.5 for a window or two out of ~20,000.</summary>
    private const double Tolerance = 0.002;

    [Fact]
    public void The_onnx_model_reproduces_the_model_card_test_metrics_on_the_regenerated_test_city()
    {
        var card = MetricsFile.ReadQuality(Path.Combine(models.Root, QualityTraining.ModelName, ModelArtifacts.MetricsFileName));
        var test = QualityTraining.Samples(QualityTraining.TestSeeds);

        var model = models.Model(QualityTraining.ModelName);
        var scores = CommittedModels.Score(model, test.Matrix.Values, SensorQualityFeatures.Count).Select(v => (double)v).ToArray();
        var actual = QualityMetrics.Measure(test, scores, card.Model.Threshold);
        var atAlert = QualityMetrics.Measure(test, scores, QualityTraining.AlertThreshold);

        Assert.Equal(card.Model.Windows, actual.Windows);
        Assert.Equal(card.Model.FaultyWindows, actual.FaultyWindows);
        Assert.Equal(card.Model.F1, actual.F1, Tolerance);
        Assert.Equal(card.Model.CleanFalsePositiveRate, actual.CleanFalsePositiveRate, Tolerance);
        Assert.Equal(card.Model.PerKind.Select(k => k.Kind), actual.PerKind.Select(k => k.Kind));
        foreach (var (expected, got) in card.Model.PerKind.Zip(actual.PerKind))
        {
            Assert.Equal(expected.Windows, got.Windows);
            Assert.Equal(expected.Recall, got.Recall, 0.01);
        }

        Assert.Equal(card.ModelAtAlertThreshold.Threshold, QualityTraining.AlertThreshold);
        Assert.Equal(card.ModelAtAlertThreshold.F1, atAlert.F1, Tolerance);
        Assert.Equal(card.ModelAtAlertThreshold.CleanFalsePositiveRate, atAlert.CleanFalsePositiveRate, Tolerance);

        // The rule baseline needs no model: identical means the regenerated windows are the card's.
        Assert.Equal(card.RuleBaseline, QualityTraining.RuleBaseline(test) with { PerKind = card.RuleBaseline.PerKind });
    }

    [Fact]
    public void Probabilities_stay_between_zero_and_one_and_a_stuck_sensor_scores_high()
    {
        var model = models.Model(QualityTraining.ModelName);
        var stuck = Enumerable.Repeat(21.5, SensorQualityFeatures.HistoryMinutes).ToArray();
        var neighbour = Enumerable.Range(0, SensorQualityFeatures.HistoryMinutes).Select(i => 60 + (5 * Math.Sin(i / 7.0)) + (0.8 * Math.Cos(i * 2.3))).ToArray();
        var row = new float[SensorQualityFeatures.Count];
        Assert.True(SensorQualityFeatures.TryCompute(Core.Ingest.SensorKind.Noise, stuck, [neighbour, neighbour], row));

        var probability = CommittedModels.Score(model, row, SensorQualityFeatures.Count)[0];

        Assert.InRange(probability, 0.9f, 1f);
    }
}
