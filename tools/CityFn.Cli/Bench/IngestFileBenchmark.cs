using System.Diagnostics;
using Azure.Data.Tables;
using Azure.Storage.Blobs;
using Azure.Storage.Queues;
using CityFn.Core.Devices;
using CityFn.Core.Ingest;
using CityFn.Core.Ingest.Capture;
using CityFn.Core.Rewards;
using CityFn.Core.Rewards.Ledger;
using CityFn.LocalDev;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace CityFn.Cli.Bench;

/// <summary>What `cityfn bench ingest --file-mb N` measured: the whole ingest stage on one large capture file.</summary>
public sealed record IngestFileBenchmarkResult(
    long FileBytes, long Messages, long AcceptedReadings, int BatchMessages, double WallSeconds, double CpuSeconds,
    long PeakWorkingSetBytes, long PeakManagedHeapBytes, long PeakHeapAfterGcBytes, long PeakLiveHeapBytes, long BaselineLiveHeapBytes, long LiveHeapAfterRunBytes, int ThreadPoolThreads, long BaselineWorkingSetBytes, long AllocatedBytes, int Gen2Collections)
{
    public double ReadingsPerWallSecond => AcceptedReadings / WallSeconds;
}

/// <summary>
/// Bounded memory, measured: writes a synthetic capture file of about the requested size straight to disk
/// (never whole in memory), starts its own Azurite, uploads the file and runs the real <see cref="IngestStage"/>
/// on it, sampling this process's working set and managed heap every 20 ms while the stage runs.
/// </summary>
/// <remarks>
/// Four memory figures, because they answer different questions: the working set is what the host sees;
/// the managed heap (GC.GetTotalMemory) includes garbage the GC has not collected yet, so it follows the
/// GC's budgets as much as the stage; the heap size after the latest GC still counts large-object-heap and
/// gen2 garbage that only a full GC frees (after a gen0/gen1 GC it is not what the stage keeps); the live
/// heap, measured with a forced full GC every half second, is what the stage really keeps reachable. The
/// forced GCs make the other three figures somewhat lower than in a run without them.
/// </remarks>
public static class IngestFileBenchmark
{
    /// <summary>Deflated size of one 60-sample synthetic message (measured: 53 MB for 60k messages).</summary>
    private const double BytesPerMessage = 885;

    public static async Task<IngestFileBenchmarkResult> RunAsync(int fileMegabytes, int samples, CancellationToken cancellationToken = default)
    {
        var enqueued = new DateTimeOffset(2026, 11, 25, 12, 0, 0, TimeSpan.Zero);
        var messages = (int)Math.Max(1, fileMegabytes * 1e6 / BytesPerMessage * 60 / samples);

        // Few devices, so each batch has many messages per device: the sequence claims are one transaction per device.
        var synthetic = SyntheticCapture.Create(50, "0x00000000000000000000000000000000000000aa", enqueued.AddDays(-1));
        var path = Path.Combine(Path.GetTempPath(), $"cityfn-bench-{Guid.NewGuid():N}.avro");
        try
        {
            await using (var file = new FileStream(path, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 20))
            {
                synthetic.Write(file, messages, samples, enqueued);
            }

            // In memory: Azurite's on-disk table store rewrites itself whole on every autosave, which made Azurite,
            // not ingest, the bottleneck of a 500 MB file.
            await using var azurite = await AzuriteServer.StartAsync(inMemory: true, cancellationToken: cancellationToken);
            var connectionString = azurite.Endpoints.ConnectionString;
            var blobs = new BlobServiceClient(connectionString);
            var tables = new TableServiceClient(connectionString);
            var registry = new DeviceRegistryStore(tables);
            foreach (var registration in synthetic.Registrations)
            {
                await registry.SaveAsync(registration, cancellationToken);
            }

            var blobName = new CaptureBlobName("bench", "traffic", "0", enqueued).ToString();
            var capture = blobs.GetBlobContainerClient(IngestStorage.CaptureContainer);
            await capture.CreateIfNotExistsAsync(cancellationToken: cancellationToken);
            await using (var file = File.OpenRead(path))
            {
                await capture.GetBlobClient(blobName).UploadAsync(file, overwrite: true, cancellationToken);
            }

            var options = new IngestOptions();
            var rewards = Options.Create(new RewardsPolicyOptions());
            var stage = new IngestStage(
                blobs, new QueueServiceClient(connectionString), tables, registry, new EpochLedgerStore(tables, registry, rewards), rewards,
                options, NullLogger<IngestStage>.Instance);

            // Writing and uploading the file left committed heap behind; an aggressive GC gives it back to the OS,
            // so the working set before the run (and its peak) is the stage's, not the file writer's.
            GC.Collect();
            GC.WaitForPendingFinalizers();
            GC.Collect(2, GCCollectionMode.Aggressive, blocking: true, compacting: true);
            var baseline = CurrentWorkingSet();
            var baselineLive = GC.GetTotalMemory(forceFullCollection: true);
            var allocatedBefore = GC.GetTotalAllocatedBytes();
            var gen2Before = GC.CollectionCount(2);
            using var sampler = new MemorySampler();
            var wall = Stopwatch.StartNew();
            var cpu = IngestBenchmark.CpuStopwatch.StartNew();
            var summary = await stage.IngestBlobAsync(IngestStorage.CaptureContainer, blobName, cancellationToken);
            cpu.Stop();
            wall.Stop();
            var (peakWorkingSet, peakHeap, peakAfterGc, peakLive) = await sampler.StopAsync();

            // The stage's objects are unreachable now: what is still live is held by process-wide pools and caches.
            var liveAfter = GC.GetTotalMemory(forceFullCollection: true);
            if (summary.Accepted != messages)
            {
                throw new InvalidOperationException($"The benchmark file should be all valid, but {summary.Accepted} of {messages} messages were accepted.");
            }

            return new IngestFileBenchmarkResult(
                new FileInfo(path).Length, summary.Messages, summary.Readings, options.BatchMessages, wall.Elapsed.TotalSeconds, cpu.Elapsed.TotalSeconds,
                peakWorkingSet, peakHeap, peakAfterGc, peakLive, baselineLive, liveAfter, ThreadPool.ThreadCount, baseline, GC.GetTotalAllocatedBytes() - allocatedBefore, GC.CollectionCount(2) - gen2Before);
        }
        finally
        {
            File.Delete(path);
        }
    }

    private static long CurrentWorkingSet()
    {
        using var process = Process.GetCurrentProcess();
        return process.WorkingSet64;
    }

    /// <summary>Polls working set and managed heap size until stopped; keeps the maxima.</summary>
    private sealed class MemorySampler : IDisposable
    {
        private readonly CancellationTokenSource _stop = new();
        private readonly Task<(long, long, long, long)> _loop;

        public MemorySampler() => _loop = Task.Run(LoopAsync);

        /// <summary>Every this many 20 ms samples, a forced full GC measures the live heap.</summary>
        private const int LiveEvery = 25;

        public async Task<(long PeakWorkingSet, long PeakHeap, long PeakHeapAfterGc, long PeakLiveHeap)> StopAsync()
        {
            await _stop.CancelAsync();
            return await _loop;
        }

        public void Dispose() => _stop.Dispose();

        private async Task<(long, long, long, long)> LoopAsync()
        {
            long peakWorkingSet = 0, peakHeap = 0, peakAfterGc = 0, peakLive = 0;
            for (var sample = 1; ; sample++)
            {
                peakWorkingSet = Math.Max(peakWorkingSet, CurrentWorkingSet());
                peakHeap = Math.Max(peakHeap, GC.GetTotalMemory(forceFullCollection: false));
                peakAfterGc = Math.Max(peakAfterGc, GC.GetGCMemoryInfo().HeapSizeBytes);
                if (sample % LiveEvery == 0)
                {
                    peakLive = Math.Max(peakLive, GC.GetTotalMemory(forceFullCollection: true));
                }

                try
                {
                    await Task.Delay(20, _stop.Token);
                }
                catch (OperationCanceledException)
                {
                    // A run shorter than half a second still gets one live measurement.
                    peakLive = Math.Max(peakLive, GC.GetTotalMemory(forceFullCollection: true));
                    return (peakWorkingSet, peakHeap, peakAfterGc, peakLive);
                }
            }
        }
    }
}
