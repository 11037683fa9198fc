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
            // The baselines need no model: equal to the last digit means the test days really are the card's.
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
    public void A_free_flowing_detector_stays_near_free_flow_and_one_the_queue_has_reached_is_forecast_to_stay_jammed()
    {
        // An arterial (60 km/h) at a weekday's morning peak, with a detector's measurement noise.
        var random = new Random(1);
        var free = Enumerable.Range(0, TrafficForecastFeatures.HistoryMinutes)
            .Select(_ => new DetectorMinute(Math.Round(400 + (80 * Gaussian(random))), Math.Round(2.2 + (0.4 * Gaussian(random)), 1), Math.Round(60 + (3.3 * Gaussian(random)), 1)))
            .ToArray();
        // Downstream: free until 20 minutes ago, then a queue builds up to its detector.
        var queue = free.Select((m, i) => i < 40 ? m : new DetectorMinute(600 - (25 * (i - 40)), 10 + (4 * (i - 40)), Math.Max(3, 60 - (3 * (i - 40))))).ToArray();
        // This detector: free until 8 minutes ago, then the queue's tail passes it and it slows to walking pace.
        var reached = free.Select((m, i) => i < 52 ? m : new DetectorMinute(300 - (30 * (i - 52)), 20 + (10 * (i - 52)), Math.Max(3, 45 - (8 * (i - 52))))).ToArray();
        var at = new DateTimeOffset(2026, 3, 11, 8, 0, 0, TimeSpan.Zero);
        var rows = new float[2 * TrafficForecastFeatures.Count];
        Assert.True(TrafficForecastFeatures.TryCompute(free, at, [free], [free], JamSurroundings.None, 60, 60, rows.AsSpan(0, TrafficForecastFeatures.Count)));
        Assert.True(TrafficForecastFeatures.TryCompute(reached, at, [queue], [free], QueueOneHopDownstream(queue), 60, 60, rows.AsSpan(TrafficForecastFeatures.Count)));

        var speeds = CommittedModels.Score(models.Model(ForecastTraining.ModelName), rows, TrafficForecastFeatures.Count);

        Assert.InRange(speeds[0], 55, 62);
        // Jammed is below 60 % of free flow (36 km/h); the queue ahead is still growing, so it stays near walking pace.
        Assert.True(speeds[1] < 15, $"free {speeds[0]:F1} km/h, reached by the queue {speeds[1]:F1} km/h");
    }

    /// <summary>The jam features when only the segment one hop downstream has <paramref name="window"/> (the streets beyond are free).</summary>
    private static JamSurroundings QueueOneHopDownstream(DetectorMinute[] window)
    {
        IReadOnlyList<IReadOnlyList<string>> downstream = [.. Enumerable.Range(0, TrafficJams.MaxHops).Select(hop => hop == 0 ? new[] { "downstream" } : [])];
        IReadOnlyList<IReadOnlyList<string>> upstream = [.. Enumerable.Range(0, TrafficJams.MaxHops).Select(_ => Array.Empty<string>())];
        var state = TrafficJams.StateOf(window, 60);
        Assert.True(state.IsNew);
        return TrafficJams.Around(downstream, upstream, s => s == "downstream" ? state : JamState.Unknown);
    }

    private static double Gaussian(Random random) =>
        Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble());
}
