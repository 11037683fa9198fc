using System.Globalization;
using System.Text.Json;
using Azure.Data.Tables;
using Azure.Storage.Blobs;
using Azure.Storage.Queues;
using CityFn.Core.EdgeHosts;
using CityFn.Core.Features;
using CityFn.Core.Ingest;
using CityFn.Core.Scoring;
using CityFn.Core.Scoring.Alerts;
using CityFn.Core.Scoring.Outputs;
using CityFn.Edge;
using CityFn.LocalDev;
using CityFn.Simulator;
using CityFn.TestSupport;
using Parquet.Serialization;
using Xunit.Abstractions;

namespace CityFn.Cli.Tests.Scoring;

/// <summary>
/// Issue 6's "done when", end to end through the CLI: simulate an hour of a small city → network publish →
/// register --file → ingest → score on a real edge host serving the committed models (models/), then check
/// what city IT reads: forecasts against the simulator's true speeds, quality of faulty against clean devices,
/// and the alert log.
/// </summary>
[Collection(LocalDependenciesCollection.Name)]
public sealed class SimulatedHourTests(AzuriteFixture azurite, ITestOutputHelper output) : IDisposable
{
    // Thursday: no earlier day is in storage, so the historical profile is empty (the latest speed stands in).
    private const string Start = "2026-11-26T07:00:00Z";
    private const int Seed = 31;
    private const int Devices = 30;
    private const int Minutes = 60;
    private const int GridSize = 5;
    private const double FaultRate = 0.1;

    private readonly string _directory = Directory.CreateTempSubdirectory("cityfn-hour-").FullName;

    [Fact]
    public async Task A_simulated_hour_yields_forecasts_near_the_true_speeds_quality_that_finds_the_faults_and_alerts()
    {
        var storage = azurite.ConnectionString;
        var options = new SimulationOptions
        {
            Seed = Seed, Devices = Devices, Minutes = Minutes, Start = DateTimeOffset.Parse(Start, CultureInfo.InvariantCulture),
            FaultRate = FaultRate, Network = new NetworkOptions { Rows = GridSize, Columns = GridSize }, IncidentsPerDay = 0,
        };
        // No random incidents; one certain one: a lane closure on an arterial detector's segment from minute 15 to 50.
        var blocked = new CitySimulation(options).Devices
            .Where(d => d.SegmentId is not null).Select(d => d.SegmentId!).First(s => RoadNetwork.Create(options.Network, Seed).Segment(s).IsArterial);
        options = options with { Incidents = [new Incident(blocked, options.Start.AddMinutes(15), TimeSpan.FromMinutes(35), 0.05)] };
        var clock = System.Diagnostics.Stopwatch.StartNew();
        await Cli("simulate", "--out", _directory, "--seed", Seed.ToString(CultureInfo.InvariantCulture), "--devices", Devices.ToString(CultureInfo.InvariantCulture),
            "--minutes", Minutes.ToString(CultureInfo.InvariantCulture), "--grid", $"{GridSize}x{GridSize}", "--start", Start, "--incidents-per-day", "0",
            "--incident", $"{blocked}:15:35:0.05", "--fault-rate", FaultRate.ToString(CultureInfo.InvariantCulture), "--partitions", "1", "--json");
        output.WriteLine($"simulate {clock.Elapsed.TotalSeconds:F1} s");
        await Cli("network", "publish", Path.Combine(_directory, "road-network.json"), "--storage", storage);
        await Cli("register", "--file", Path.Combine(_directory, "registry.json"), "--storage", storage);
        // Other tests of this collection leave jobs behind: score only this hour's.
        var jobsQueue = new QueueServiceClient(storage).GetQueueClient(ScoringStorage.JobsQueue);
        await jobsQueue.CreateIfNotExistsAsync();
        await jobsQueue.ClearMessagesAsync();
        clock.Restart();
        await Cli("ingest", Path.Combine(_directory, "capture"), "--storage", storage, "--json");
        output.WriteLine($"ingest {clock.Elapsed.TotalSeconds:F1} s");

        await using (var host = await StartEdgeHostAsync(storage))
        {
            clock.Restart();
            var scored = await Cli("score", "--storage", storage, "--json");
            output.WriteLine($"score {clock.Elapsed.TotalSeconds:F1} s: {scored}");
            using var summary = JsonDocument.Parse(scored);
            Assert.Equal(0, summary.RootElement.GetProperty("poisoned").GetInt32());
            Assert.Equal(0, summary.RootElement.GetProperty("mismatches").GetInt32());
            Assert.True(summary.RootElement.GetProperty("scored").GetInt32() >= Minutes, scored);
        }

        var simulation = new CitySimulation(options);
        var trueSpeed = new Dictionary<(string Segment, DateTimeOffset Minute), double>();
        foreach (var minute in simulation.Run())
        {
            foreach (var reading in minute.Traffic.Readings)
            {
                trueSpeed[(reading.SegmentId, minute.MinuteStart)] = reading.SpeedKmh;
            }
        }

        // Forecasts: one per detector segment per minute, and closer to the truth than "no change" (persistence).
        var forecasts = await ReadParquetAsync<ForecastRow>(storage, "forecasts/date=2026-11-26/");
        var detectorSegments = simulation.Devices.Where(d => d.SegmentId is not null).Select(d => d.SegmentId!).ToHashSet(StringComparer.Ordinal);
        Assert.Equal(detectorSegments.Order(StringComparer.Ordinal), forecasts.Select(f => f.Segment).Distinct().Order(StringComparer.Ordinal));
        // A forecast is the mean speed of the 5 minutes from its "for" time: scored where all of them are in the hour.
        IEnumerable<DateTimeOffset> TargetMinutes(ForecastRow f) =>
            Enumerable.Range(0, TrafficForecastFeatures.TargetMinutes).Select(m => new DateTimeOffset(f.For, TimeSpan.Zero).AddMinutes(m));
        var scoredRows = forecasts
            .Where(f => TargetMinutes(f).All(m => trueSpeed.ContainsKey((f.Segment, m))))
            .Select(f => (Forecast: f.SpeedKmh, Latest: f.LatestSpeedKmh!.Value, Truth: TargetMinutes(f).Average(m => trueSpeed[(f.Segment, m)])))
            .ToList();
        var modelMae = scoredRows.Average(r => Math.Abs(r.Forecast - r.Truth));
        var persistenceMae = scoredRows.Average(r => Math.Abs(r.Latest - r.Truth));
        output.WriteLine($"forecast rows {forecasts.Count}, scored against truth {scoredRows.Count}: MAE model {modelMae:F2} km/h, persistence {persistenceMae:F2} km/h");
        Assert.True(modelMae < persistenceMae, $"model MAE {modelMae:F2} km/h should beat persistence {persistenceMae:F2} km/h");

        // Quality: every device has a score. The model needs a full 30-minute window (before that every device looks
        // like a dropout, see docs/scoring.md): from minute 30 on, stuck and spike devices score above the clean median.
        var quality = await ReadParquetAsync<QualityRow>(storage, "quality/date=2026-11-26/");
        var truth = File.ReadAllLines(Path.Combine(_directory, "truth.jsonl")).Select(l => JsonDocument.Parse(l).RootElement).ToList();
        var faulty = truth.Select(t => t.GetProperty("device").GetString()!).ToHashSet(StringComparer.Ordinal);
        var stuckOrSpike = truth.Where(t => t.GetProperty("fault").GetString() is "stuck_at" or "spike").Select(t => t.GetProperty("device").GetString()!).ToHashSet(StringComparer.Ordinal);
        Assert.Equal(Devices, quality.Select(q => q.Device).Distinct().Count());
        var fullWindow = DateTimeOffset.Parse(Start, CultureInfo.InvariantCulture).UtcDateTime.AddMinutes(30);
        var worst = quality.Where(q => q.Time >= fullWindow).GroupBy(q => q.Device, StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => g.Max(q => q.FaultProbability), StringComparer.Ordinal);
        var clean = worst.Where(w => !faulty.Contains(w.Key)).Select(w => w.Value).Order().ToList();
        var cleanMedian = clean[clean.Count / 2];
        output.WriteLine($"quality from minute 30: faulty devices {faulty.Count} (stuck/spike {stuckOrSpike.Count}), flagged >= 0.8: {worst.Count(w => w.Value >= 0.8 && faulty.Contains(w.Key))} faulty, {clean.Count(c => c >= 0.8)} of {clean.Count} clean; clean median {cleanMedian:F3}");
        Assert.NotEmpty(stuckOrSpike);
        Assert.All(stuckOrSpike, d => Assert.True(worst[d] >= 0.8 && worst[d] > cleanMedian, $"{d}: {worst[d]:F3} vs clean median {cleanMedian:F3}"));

        // Alerts: the incidents' congestion and the faults are in the alert log, newest first.
        var alerts = await new AlertLog(new TableServiceClient(storage), new QueueServiceClient(storage)).ListRecentAsync(1000);
        var ours = alerts.Where(a => a.Time.UtcDateTime.Date == new DateTime(2026, 11, 26)).ToList();
        output.WriteLine($"alerts: {ours.Count(a => a.Type == ScoringAlert.Congestion)} congestion, {ours.Count(a => a.Type == ScoringAlert.SensorFault)} sensor fault");
        Assert.Contains(ours, a => a.Type == ScoringAlert.Congestion && a.Score < a.Threshold);
        Assert.Contains(ours, a => a.Type == ScoringAlert.SensorFault && faulty.Contains(a.Entity));
        Assert.Equal(ours.OrderByDescending(a => a.Time), ours);
    }

    private async Task<string> Cli(params string[] args)
    {
        var (exitCode, text) = await CliRun.InvokeAsync(args);
        Assert.True(exitCode == 0, $"cityfn {args[0]} exited {exitCode}: {text}");
        return text;
    }

    /// <summary>An edge host serving the committed models, registered (and heartbeating) in the test's storage.</summary>
    private async Task<AsyncApp> StartEdgeHostAsync(string storage)
    {
        var keyFile = Path.Combine(_directory, "operator.key");
        await File.WriteAllTextAsync(keyFile, OperatorKey.Generate().ToHex());
        var app = EdgeHost.Build(
        [
            "--models", Path.Combine(RepositoryRoot.Find(), "models"), "--port", FreePorts.Pick(1)[0].ToString(CultureInfo.InvariantCulture),
            "--device", "cpu", "--key-file", keyFile, "--Logging:LogLevel:Default=Warning", "--register", "--storage", storage, "--Edge:HeartbeatSeconds=10",
        ]);
        await app.StartAsync();
        var registry = EdgeHostRegistry.Create(Core.Storage.StorageConnection.FromConnectionString(storage), TimeProvider.System);
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        while (!(await registry.ListAsync(timeout.Token)).Any(h => h.Status == "active" && h.Models.Contains("traffic-forecast")))
        {
            await Task.Delay(50, timeout.Token);
        }

        return new AsyncApp(app);
    }

    private static async Task<List<T>> ReadParquetAsync<T>(string storage, string prefix)
        where T : class, new()
    {
        var container = new BlobServiceClient(storage).GetBlobContainerClient(IngestStorage.AnalyticsContainer);
        var rows = new List<T>();
        await foreach (var blob in container.GetBlobsAsync(Azure.Storage.Blobs.Models.BlobTraits.None, Azure.Storage.Blobs.Models.BlobStates.None, prefix, CancellationToken.None))
        {
            using var buffer = new MemoryStream();
            await container.GetBlobClient(blob.Name).DownloadToAsync(buffer);
            buffer.Position = 0;
            rows.AddRange((await ParquetSerializer.DeserializeAsync<T>(buffer)).Data);
        }

        return rows;
    }

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    private sealed class AsyncApp(Microsoft.AspNetCore.Builder.WebApplication app) : IAsyncDisposable
    {
        public async ValueTask DisposeAsync()
        {
            await app.StopAsync();
            await app.DisposeAsync();
        }
    }
}
