using System.Reflection;
using System.Text.Json;
using Azure.Data.Tables;
using Azure.Storage.Queues;
using CityFn.Core.Ingest;
using CityFn.Core.Scoring;
using CityFn.Core.Scoring.Features;
using CityFn.Core.Scoring.Outputs;
using CityFn.LocalDev;
using CityFn.TestSupport;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.DependencyInjection;

namespace CityFn.Functions.Tests.Scoring;

[Collection(AzuriteCollection.Name)]
public sealed class ScoringFunctionsTests(AzuriteFixture azurite)
{
    [Fact]
    public async Task A_message_that_is_not_a_scoring_job_is_moved_to_the_poison_queue_without_failing_the_invocation()
    {
        var poison = new QueueServiceClient(azurite.ConnectionString).GetQueueClient(ScoringStorage.PoisonQueue);
        await poison.CreateIfNotExistsAsync();
        await poison.ClearMessagesAsync();

        await FunctionsTestServices.ScoreJobs(azurite.ConnectionString).Run("{\"jobId\":\"only an id\"}", CancellationToken.None);

        Assert.Single((await poison.ReceiveMessagesAsync(10)).Value);
    }

    [Fact]
    public async Task The_segment_forecast_is_the_newest_one_written_and_404_before_any()
    {
        var services = FunctionsTestServices.Build(azurite.ConnectionString);
        var writer = services.GetRequiredService<ScoreOutputWriter>();
        var function = FunctionsTestServices.Segments(azurite.ConnectionString);
        var segment = "A10/" + Guid.NewGuid().ToString("N")[..6];
        Assert.IsType<NotFoundObjectResult>(await function.GetForecast(new DefaultHttpContext().Request, segment, CancellationToken.None));
        var model = services.GetServices<IScoringModel>().Single(m => m.Output == ScoreOutputKind.Forecast);
        var at = new DateTimeOffset(2026, 11, 25, 8, 0, 0, TimeSpan.Zero);

        // Forecast scores are speeds (km/h): 12 of a free-flow 60 is congestion 0.8, below the 0.6 alert ratio.
        await writer.WriteAsync(Job("later", at), [new ModelScores(model, [ForecastRow(segment, at.AddMinutes(5), 12, 50, 60)])]);
        await writer.WriteAsync(Job("earlier", at), [new ModelScores(model, [ForecastRow(segment, at, 55, 58, 60)])]);

        var result = Assert.IsType<JsonResult>(await function.GetForecast(new DefaultHttpContext().Request, segment, CancellationToken.None));
        var forecast = Assert.IsType<SegmentForecast>(result.Value);
        Assert.Equal(12, forecast.SpeedKmh, 6);
        Assert.Equal(50, forecast.LatestSpeedKmh);
        Assert.Equal(0.8, forecast.Congestion!.Value, 6);
        Assert.Equal("congested", forecast.Level);
        Assert.True(forecast.Alert);
        Assert.Equal("later", forecast.JobId);
    }

    [Fact]
    public async Task The_edge_host_list_shows_a_quarantined_host_with_its_reason_and_evidence()
    {
        var key = Core.EdgeHosts.OperatorKey.Generate();
        var services = FunctionsTestServices.Build(azurite.ConnectionString);
        var registration = new Core.EdgeHosts.EdgeHostRegistration(key.Address, "http://127.0.0.1:8001", ["mlp"], 8, DateTimeOffset.UtcNow.ToUnixTimeSeconds());
        Assert.True((await services.GetRequiredService<Core.EdgeHosts.EdgeHostRegistry>().RegisterAsync(registration.Sign(key))).Accepted);
        await services.GetRequiredService<Core.Scoring.Hosts.QuarantineStore>().AddAsync(new(key.Address, "wrong scores", "evidence/job/mlp-0.json", DateTimeOffset.UtcNow));

        var result = Assert.IsType<JsonResult>(await FunctionsTestServices.EdgeHosts(azurite.ConnectionString).List(new DefaultHttpContext().Request, CancellationToken.None));

        var host = Assert.Single(Assert.IsAssignableFrom<IReadOnlyList<EdgeHostStatus>>(result.Value), h => h.Address == key.Address);
        Assert.Equal("quarantined", host.Status);
        Assert.Equal("evidence/job/mlp-0.json", host.QuarantineEvidence);
    }

    [Fact]
    public async Task The_device_page_shows_latest_quality_and_accepted_and_rejected_counts()
    {
        var services = FunctionsTestServices.Build(azurite.ConnectionString);
        var tables = new TableServiceClient(azurite.ConnectionString);
        var store = new Core.Devices.DeviceRegistryStore(tables);
        var device = DeviceKey.Generate().Address;
        await store.SaveAsync(new Core.Devices.DeviceRegistration(device, DeviceKey.Generate().Address, SensorKind.Air, new GeoLocation(52.1, 4.3, null), 1, DateTimeOffset.UtcNow));
        var stats = tables.GetTableClient(IngestStorage.DeviceStatsTable);
        await stats.CreateIfNotExistsAsync();
        await stats.UpsertEntityAsync(DeviceIngestStatsStore.Row(device, "src1", 1, 50, new Dictionary<string, long> { ["value_out_of_range"] = 3 }));
        await stats.UpsertEntityAsync(DeviceIngestStatsStore.Row(device, "src2", 1, 7, new Dictionary<string, long>()));
        var model = services.GetServices<IScoringModel>().Single(m => m.Output == ScoreOutputKind.Quality);
        var at = new DateTimeOffset(2026, 11, 25, 8, 0, 0, TimeSpan.Zero);
        await services.GetRequiredService<ScoreOutputWriter>().WriteAsync(Job("q", at), [new ModelScores(model, [Row(device, at, 0.25, "air")])]);

        var result = Assert.IsType<JsonResult>(await FunctionsTestServices.Devices(azurite.ConnectionString, store).Get(new DefaultHttpContext().Request, device, CancellationToken.None));

        var details = Assert.IsType<DeviceDetails>(result.Value);
        Assert.Equal(0.75, details.Quality!.Quality, 6);
        Assert.Equal(57, details.Ingest.AcceptedReadings);
        Assert.Equal(3, details.Ingest.RejectedMessages);
        Assert.Equal(3, details.Ingest.Rejected["value_out_of_range"]);
        Assert.Contains("\"quality\":", JsonSerializer.Serialize(details, ScoringJsonContext.Default.DeviceDetails), StringComparison.Ordinal);
    }

    [Fact]
    public void The_build_output_lists_ScoreJobs_as_a_queue_trigger_on_score_jobs()
    {
        var configuration = typeof(ScoringFunctionsTests).Assembly.GetCustomAttribute<AssemblyConfigurationAttribute>()!.Configuration;
        var folder = Path.Combine(RepositoryRoot.Find(), "functions", "CityFn.Functions", "bin", configuration, "net10.0");
        using var metadata = JsonDocument.Parse(File.ReadAllText(Path.Combine(folder, "functions.metadata")));
        var score = Assert.Single(metadata.RootElement.EnumerateArray(), f => f.GetProperty("name").GetString() == "ScoreJobs");
        var trigger = Assert.Single(score.GetProperty("bindings").EnumerateArray(), b => b.GetProperty("type").GetString() == "queueTrigger");
        Assert.Equal("score-jobs", trigger.GetProperty("queueName").GetString());
        Assert.Equal("AzureWebJobsStorage", trigger.GetProperty("connection").GetString());
        using var extensions = JsonDocument.Parse(File.ReadAllText(Path.Combine(folder, "extensions.json")));
        Assert.Contains(extensions.RootElement.GetProperty("extensions").EnumerateArray(), e => e.GetProperty("name").GetString() == "AzureStorageQueues");
    }

    private static ScoreJob Job(string id, DateTimeOffset at) => new(id, id, "traffic", "readings/none.parquet", 1, 1, at, at.AddMinutes(1));

    private static ScoredRow ForecastRow(string segment, DateTimeOffset at, double speedKmh, double latestKmh, double freeFlowKmh) =>
        new(new FeatureRow(segment, "traffic", 1, at, at, latestKmh, freeFlowKmh), speedKmh, "0x0000000000000000000000000000000000000001", false);

    private static ScoredRow Row(string entity, DateTimeOffset at, double score, string kind = "traffic") =>
        new(new FeatureRow(entity, kind, 1, at, at), score, "0x0000000000000000000000000000000000000001", false);
}
