using System.Text.Json;
using Azure.Data.Tables;
using Azure.Storage.Blobs;
using Azure.Storage.Queues;
using CityFn.Core.EdgeHosts;
using CityFn.Core.Ingest;
using CityFn.Core.Scoring;
using CityFn.Core.Scoring.Features;
using CityFn.Core.Storage;
using CityFn.Edge.Models;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Parquet.Serialization;

namespace CityFn.Scoring.Tests;

/// <summary>
/// The scoring stage wired as the Functions app wires it, against the test's Azurite, with the two
/// first-version models renamed per test (so hosts and quarantines of other tests in the same storage
/// account never serve them) and a CPU reference folder holding the honest tiny MLP under those names.
/// </summary>
public sealed class ScoringTestBed : IAsyncDisposable
{
    private readonly ServiceProvider _services;
    private readonly string _referenceFolder;

    public ScoringTestBed(string connectionString, IDictionary<string, string?>? settings = null)
    {
        var suffix = Guid.NewGuid().ToString("N")[..8];
        ForecastModel = $"{TrafficForecastModel.ModelName}-{suffix}";
        QualityModel = $"{SensorQualityModel.ModelName}-{suffix}";
        _referenceFolder = Directory.CreateTempSubdirectory("cityfn-reference-").FullName;
        foreach (var name in Models)
        {
            ModelRepository.WriteModel(_referenceFolder, ScoringEdgeHost.Honest.ToOnnx(), new ModelConfig(name));
        }

        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["AzureWebJobsStorage"] = connectionString,
            ["Scoring:ReferenceModels"] = _referenceFolder,
            ["Scoring:RegistryRefresh"] = "00:00:00",
        }.Concat(settings ?? new Dictionary<string, string?>())).Build();
        var services = new ServiceCollection();
        services.AddSingleton<IConfiguration>(configuration);
        services.AddLogging();
        services.AddCityFnStorage(configuration);
        services.AddCityFnScoring();
        services.RemoveAll<IScoringModel>();
        services.AddSingleton<IScoringModel>(new RenamedModel(new StandInForecastModel(), ForecastModel));
        services.AddSingleton<IScoringModel>(new RenamedModel(new StandInQualityModel(), QualityModel));
        _services = services.BuildServiceProvider();
        Blobs = new BlobServiceClient(connectionString);
        Queues = new QueueServiceClient(connectionString);
        Tables = new TableServiceClient(connectionString);
    }

    public string ForecastModel { get; }

    public string QualityModel { get; }

    public IReadOnlyList<string> Models => [ForecastModel, QualityModel];

    public BlobServiceClient Blobs { get; }

    public QueueServiceClient Queues { get; }

    public TableServiceClient Tables { get; }

    public T Get<T>()
        where T : notnull => _services.GetRequiredService<T>();

    public ScoreStage Stage => Get<ScoreStage>();

    public ScoreQueueDrainer Drainer => Get<ScoreQueueDrainer>();

    public EdgeHostRegistry Registry => Get<EdgeHostRegistry>();

    public IScoringModel Model(string name) => _services.GetServices<IScoringModel>().Single(m => m.Name == name);

    public async ValueTask DisposeAsync()
    {
        await _services.DisposeAsync();
        Directory.Delete(_referenceFolder, recursive: true);
    }

    /// <summary>
    /// A traffic job as ingest would leave it: readings Parquet in "analytics" (devices × minutes × samples,
    /// two devices per segment) and the job; <paramref name="seed"/> varies the values.
    /// </summary>
    public async Task<ScoreJob> WriteTrafficJobAsync(int seed, DateTimeOffset start, int devices = 6, int minutes = 3, int samplesPerMinute = 6)
    {
        var random = new Random(seed);
        var rows = new List<ReadingRow>();
        for (var d = 0; d < devices; d++)
        {
            var device = Device(seed, d);
            for (var i = 0; i < minutes * samplesPerMinute; i++)
            {
                rows.Add(new ReadingRow
                {
                    Device = device, Kind = "traffic", Time = start.UtcDateTime.AddSeconds(i * 60.0 / samplesPerMinute), Sequence = i,
                    Lat = 52.37, Lon = 4.89, Segment = $"S{seed % 3}-{d / 2}",
                    FlowVehH = 400 + random.Next(1600), OccupancyPct = random.Next(90), SpeedKmh = 10 + random.Next(90),
                });
            }
        }

        var source = $"test_{Guid.NewGuid():N}";
        var blob = $"readings/test/{source}.parquet";
        var container = Blobs.GetBlobContainerClient(IngestStorage.AnalyticsContainer);
        await container.CreateIfNotExistsAsync();
        using var buffer = new MemoryStream();
        await ParquetSerializer.SerializeAsync(rows, buffer);
        buffer.Position = 0;
        await container.GetBlobClient(blob).UploadAsync(buffer, overwrite: true);
        return new ScoreJob($"{source}:traffic", source, "traffic", blob, devices, rows.Count, start, start.AddMinutes(minutes));
    }

    public async Task EnqueueAsync(ScoreJob job)
    {
        var queue = Queues.GetQueueClient(ScoringStorage.JobsQueue);
        await queue.CreateIfNotExistsAsync();
        await queue.SendMessageAsync(Convert.ToBase64String(JsonSerializer.SerializeToUtf8Bytes(job, IngestJsonContext.Default.ScoreJob)));
    }

    /// <summary>Empties the shared queues, so that a test drains only its own jobs.</summary>
    public async Task ClearQueuesAsync()
    {
        foreach (var name in new[] { ScoringStorage.JobsQueue, ScoringStorage.PoisonQueue, ScoringStorage.AlertsQueue })
        {
            var queue = Queues.GetQueueClient(name);
            await queue.CreateIfNotExistsAsync();
            await queue.ClearMessagesAsync();
        }
    }

    public static string Device(int seed, int index) => "0x" + Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(BitConverter.GetBytes((seed * 1000) + index))[..20]);

    /// <summary>A model under another name: the same features, served under a per-test name.</summary>
    private sealed class RenamedModel(IScoringModel inner, string name) : IScoringModel
    {
        public string Name => name;

        public ScoreOutputKind Output => inner.Output;

        public string InputName => inner.InputName;

        public string OutputName => inner.OutputName;

        public int Columns => inner.Columns;

        public bool Scores(string kind) => inner.Scores(kind);

        public Task<FeatureMatrix> FeaturizeAsync(ScoreJob job, IReadOnlyList<ReadingRow> readings, CancellationToken cancellationToken = default) =>
            inner.FeaturizeAsync(job, readings, cancellationToken);
    }
}
