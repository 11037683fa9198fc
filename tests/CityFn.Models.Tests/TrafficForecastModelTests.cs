using CityFn.Core.Features;
using CityFn.Training;
using CityFn.Training.Forecast;

namespace CityFn.Models.Tests;

[Collection(CommittedModelsCollection.Name)]
public sealed class TrafficForecastModelTests(CommittedModels models)
{
    /// <summary>ONNX Runtime sums the trees in float32, training in float64: a few thousandths of a km/h apart at most.</summary>
    private const double ToleranceKmh = 0.01;

    [Fact]
    public void The_onnx_model_reproduces_the_model_card_test_metrics_on_the_regenerated_test_day()
    {
        var card = MetricsFile.ReadForecast(Path.Combine(models.Root, ForecastTraining.ModelName, ModelArtifacts.MetricsFileName));
        var network = TrafficScenario.City();
        var days = ForecastTraining.Simulate(network, [.. ForecastTraining.TrainDays, .. ForecastTraining.TestDays]);
        var historical = ForecastTraining.History(days.Take(ForecastTraining.TrainDays.Count));
        var test = ForecastSamples.Build(network, days.Skip(ForecastTraining.TrainDays.Count), ForecastTraining.Stride, historical);

        var model = models.Model(ForecastTraining.ModelName);
        var forecast = CommittedModels.Score(model, test.Matrix.Values, TrafficForecastFeatures.Count).Select(v => (double)v).ToArray();

        foreach (var (expected, againstTruth) in new[] { (card.AgainstTruth, true), (card.AgainstReadings, false) })
        {
            var actual = ForecastMetrics.Measure(test, forecast, historical, againstTruth);
            Assert.Equal(expected.Rows, actual.Rows);
            Assert.Equal(expected.CongestedRows, actual.CongestedRows);
            // The baselines need no model: equal to the last digit means the test day really is the card's.
            Assert.Equal(expected.PersistenceMae, actual.PersistenceMae, 1e-9);
            Assert.Equal(expected.HistoricalAverageMae, actual.HistoricalAverageMae, 1e-9);
            Assert.Equal(expected.ModelMae, actual.ModelMae, ToleranceKmh);
            Assert.Equal(expected.ModelMaeCongested, actual.ModelMaeCongested, ToleranceKmh);
        }
    }

    [Fact]
    public void The_model_reads_the_feature_vector_and_answers_in_km_per_hour()
    {
        var model = models.Model(ForecastTraining.ModelName);

        var input = Assert.Single(model.Inputs);
        Assert.Equal("features", input.Name);
        Assert.Equal([-1L, TrafficForecastFeatures.Count], input.Shape);
        var output = Assert.Single(model.Outputs);
        Assert.Equal(ForecastTraining.OutputName, output.Name);
        Assert.Equal([-1L, 1L], output.Shape);
    }

    [Fact]
    public void A_free_flowing_detector_is_forecast_near_its_free_flow_speed()
    {
        // An arterial at 60 km/h all hour on a quiet weekday afternoon, neighbours free too.
        var free = Enumerable.Repeat(new DetectorMinute(400, 4, 60), TrafficForecastFeatures.HistoryMinutes).ToArray();
        var row = new float[TrafficForecastFeatures.Count];
        Assert.True(TrafficForecastFeatures.TryCompute(
            free, new DateTimeOffset(2026, 3, 11, 14, 0, 0, TimeSpan.Zero), [free], [free], 60, row));

        var speed = CommittedModels.Score(models.Model(ForecastTraining.ModelName), row, TrafficForecastFeatures.Count)[0];

        Assert.InRange(speed, 55, 62);
    }
}
