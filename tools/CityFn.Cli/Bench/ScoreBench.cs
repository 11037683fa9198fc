using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Azure.Storage.Blobs;
using Azure.Storage.Queues;
using CityFn.Cli.Scoring;
using CityFn.Core.EdgeHosts;
using CityFn.Core.Ingest;
using CityFn.Core.Scoring;
using CityFn.Core.Scoring.Features;
using CityFn.Edge;
using CityFn.Edge.Models;
using CityFn.LocalDev;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Parquet.Serialization;

namespace CityFn.Cli.Bench;

/// <summary>One verification setting of the scoring benchmark.</summary>
public sealed record ScoreBenchRun(
    double VerificationFraction, int Jobs, long Readings, long Rows, int Calls, int VerifiedCalls, int Hedged, double WallSeconds, double CpuSeconds)
{
    /// <summary>CPU seconds (this process, which holds the stage and both hosts, plus Azurite) per job: robust to a loaded machine.</summary>
    public double CpuMillisecondsPerJob => CpuSeconds * 1000 / Jobs;

    public double JobsPerSecond => Jobs / WallSeconds;

    public double ReadingsPerSecond => Readings / WallSeconds;

    public double RowsPerSecond => Rows / WallSeconds;
}

/// <summary>
/// End-to-end scoring throughput: a real Azurite, two edge hosts in this process on loopback ports serving the
/// trained "traffic-forecast" and "sensor-quality" models, and traffic jobs as ingest leaves them (readings
/// Parquet plus a queue message). Each verification setting gets fresh jobs and a fresh stage; the drain is
/// timed from the first receive to the empty queue: reading Parquet, features, history queries, both models'
/// calls, spot checks, Parquet and Table outputs, ledger rows.
/// </summary>
public sealed class ScoreBench(int jobs, int devices, int samplesPerDevice, int parallelism)
{
    public async Task<IReadOnlyList<ScoreBenchRun>> RunAsync(IReadOnlyList<double> fractions, IProgress<string> progress, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(fractions);
        ArgumentNullException.ThrowIfNull(progress);
        progress.Report("starting Azurite");
        await using var azurite = await AzuriteServer.StartAsync(cancellationToken: cancellationToken);
        var connectionString = azurite.Endpoints.ConnectionString;
        var folder = Directory.CreateTempSubdirectory("cityfn-score-bench-").FullName;
        var hosts = new List<WebApplication>();
        try
        {
            // Both trained models, as the edge hosts of a deployment serve them.
            foreach (var model in new[] { TrafficForecastModel.ModelName, SensorQualityModel.ModelName })
            {
                ModelRepository.WriteModel(Path.Combine(folder, "models"), await File.ReadAllBytesAsync(Path.Combine(RepositoryRoot.Find(), "models", model, "1", "model.onnx"), cancellationToken), new ModelConfig(model, MaxBatchSize: 4096, MaxQueueDelayMs: 1, MaxQueueSize: 1024));
            }

            var registry = EdgeHostRegistry.Create(Core.Storage.StorageConnection.FromConnectionString(connectionString), TimeProvider.System);
            for (var i = 0; i < 2; i++)
            {
                progress.Report($"starting edge host {i + 1}");
                await File.WriteAllTextAsync(Path.Combine(folder, $"operator{i}.key"), OperatorKey.Generate().ToHex(), cancellationToken);
                var port = FreePorts.Pick(1)[0];
                // The hosts register and heartbeat themselves, as an operator's would (a long run outlives one registration).
                var app = EdgeHost.Build(
                [
                    "--models", Path.Combine(folder, "models"), "--port", port.ToString(CultureInfo.InvariantCulture), "--device", "cpu",
                    "--key-file", Path.Combine(folder, $"operator{i}.key"), "--Logging:LogLevel:Default=Warning",
                    "--register", "--storage", connectionString, "--Edge:HeartbeatSeconds=10",
                ]);
                hosts.Add(app);
                await app.StartAsync(cancellationToken);
            }

            while ((await registry.ListAsync(cancellationToken)).Count(h => h.Status == "active") < hosts.Count)
            {
                await Task.Delay(50, cancellationToken);
            }

            progress.Report("warming up");
            await RunOnceAsync(connectionString, folder, azurite.Pid, 1, Math.Max(8, jobs / 4), 0, cancellationToken);
            // Each setting twice, in opposite orders (a, b, c, c, b, a), so drift of the machine's load or of
            // storage size weighs on all settings alike; the two runs are added up.
            var order = fractions.Concat(fractions.Reverse()).ToList();
            var runs = new List<ScoreBenchRun>();
            for (var i = 0; i < order.Count; i++)
            {
                progress.Report(string.Create(CultureInfo.InvariantCulture, $"{jobs} jobs, verification {order[i]:P0}"));
                runs.Add(await RunOnceAsync(connectionString, folder, azurite.Pid, order[i], jobs, i + 1, cancellationToken));
            }

            return [.. runs.GroupBy(r => r.VerificationFraction).Select(g => new ScoreBenchRun(
                g.Key, g.Sum(r => r.Jobs), g.Sum(r => r.Readings), g.Sum(r => r.Rows), g.Sum(r => r.Calls), g.Sum(r => r.VerifiedCalls),
                g.Sum(r => r.Hedged), g.Sum(r => r.WallSeconds), g.Sum(r => r.CpuSeconds)))];
        }
        finally
        {
            foreach (var app in hosts)
            {
                await app.StopAsync(CancellationToken.None);
                await app.DisposeAsync();
            }

            Directory.Delete(folder, recursive: true);
        }
    }

    private async Task<ScoreBenchRun> RunOnceAsync(string connectionString, string folder, int azuritePid, double fraction, int jobCount, int round, CancellationToken cancellationToken)
    {
        var start = new DateTimeOffset(2026, 11, 25, 0, 0, 0, TimeSpan.Zero).AddHours(round);
        long readings = 0;
        for (var j = 0; j < jobCount; j++)
        {
            readings += await WriteJobAsync(connectionString, round, j, start.AddMinutes(j % 60), cancellationToken);
        }

        await using var services = ScoringServices.Build(connectionString, new Dictionary<string, string?>
        {
            ["Scoring:VerificationFraction"] = fraction.ToString(CultureInfo.InvariantCulture),
            ["Scoring:ReferenceModels"] = Path.Combine(folder, "models"),
        }, Microsoft.Extensions.Logging.LogLevel.Error);
        var drainer = services.GetRequiredService<ScoreQueueDrainer>();
        var cpuBefore = CpuTime(azuritePid);
        var clock = Stopwatch.StartNew();
        var summary = await drainer.DrainAsync(parallelism, cancellationToken);
        clock.Stop();
        var cpu = CpuTime(azuritePid) - cpuBefore;
        if (summary.Scored != jobCount)
        {
            throw new InvalidOperationException($"Only {summary.Scored} of {jobCount} jobs were scored: {string.Join("; ", summary.Errors)}");
        }

        return new ScoreBenchRun(fraction, jobCount, readings, summary.Rows, jobCount * 2, summary.Verified, summary.Hedged, clock.Elapsed.TotalSeconds, cpu.TotalSeconds);
    }

    private static TimeSpan CpuTime(int azuritePid)
    {
        using var self = Process.GetCurrentProcess();
        using var azurite = Process.GetProcessById(azuritePid);
        return self.TotalProcessorTime + azurite.TotalProcessorTime;
    }

    /// <summary>One traffic job: devices × samples readings, two devices per segment, written as ingest would.</summary>
    private async Task<long> WriteJobAsync(string connectionString, int round, int index, DateTimeOffset start, CancellationToken cancellationToken)
    {
        var random = new Random((round * 100_000) + index);
        var rows = new List<ReadingRow>(devices * samplesPerDevice);
        for (var d = 0; d < devices; d++)
        {
            var device = "0x" + Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(BitConverter.GetBytes((round * 1_000_000L) + (index * 1000L) + d))[..20]);
            for (var i = 0; i < samplesPerDevice; i++)
            {
                rows.Add(new ReadingRow
                {
                    Device = device, Kind = "traffic", Time = start.UtcDateTime.AddSeconds(i * 60.0 / samplesPerDevice), Sequence = i,
                    Lat = 52.37, Lon = 4.89, Segment = $"B{d / 2:D4}",
                    FlowVehH = 300 + random.Next(1800), OccupancyPct = random.Next(95), SpeedKmh = 5 + random.Next(100),
                });
            }
        }

        var source = $"bench_{round}_{index}_{Guid.NewGuid():N}";
        // Where ingest writes a capture file's readings: the scoring stage reads the jobs' history from these folders.
        var blob = IngestStorage.ReadingsBlobName(source, new DateTimeOffset(start.UtcDateTime.Date.AddHours(start.UtcDateTime.Hour), TimeSpan.Zero));
        var container = new BlobServiceClient(connectionString).GetBlobContainerClient(IngestStorage.AnalyticsContainer);
        await container.CreateIfNotExistsAsync(cancellationToken: cancellationToken);
        using (var buffer = new MemoryStream())
        {
            await ParquetSerializer.SerializeAsync(rows, buffer, cancellationToken: cancellationToken);
            buffer.Position = 0;
            await container.GetBlobClient(blob).UploadAsync(buffer, overwrite: true, cancellationToken);
        }

        var job = new ScoreJob($"{source}:traffic", source, "traffic", blob, devices, rows.Count, start, start.AddMinutes(1));
        var queue = new QueueServiceClient(connectionString).GetQueueClient(ScoringStorage.JobsQueue);
        await queue.CreateIfNotExistsAsync(cancellationToken: cancellationToken);
        await queue.SendMessageAsync(Convert.ToBase64String(JsonSerializer.SerializeToUtf8Bytes(job, IngestJsonContext.Default.ScoreJob)), cancellationToken);
        return rows.Count;
    }
}
