using System.Diagnostics;
using CityFn.Core.Devices;
using CityFn.Core.Ingest;
using CityFn.Core.Ingest.Capture;

namespace CityFn.Cli.Bench;

/// <summary>What `cityfn bench ingest` measured, single-threaded (so per core).</summary>
/// <remarks>
/// Rates divide by the CPU time the process spent (not wall time): on a shared machine wall time also
/// counts time other processes held the core. The pipeline is single-threaded; GC threads' time is included.
/// </remarks>
public sealed record IngestBenchmarkResult(
    int Messages, long Readings, long FileBytes, double DecodeSeconds, double PipelineSeconds, double PipelineWallSeconds, double RecoverPerSecond)
{
    /// <summary>Readings per CPU second through decode + signature + validation + aggregation on one thread.</summary>
    public double ReadingsPerSecond => Readings / PipelineSeconds;

    public double MessagesPerSecond => Messages / PipelineSeconds;

    public double DecodeMegabytesPerSecond => FileBytes / DecodeSeconds / 1e6;
}

public static class IngestBenchmark
{
    public static async Task<IngestBenchmarkResult> RunAsync(int messages, int samples, CancellationToken cancellationToken = default)
    {
        var enqueued = new DateTimeOffset(2026, 11, 25, 12, 0, 0, TimeSpan.Zero);
        var synthetic = SyntheticCapture.Create(Math.Max(1, messages / 60), "0x00000000000000000000000000000000000000aa", enqueued.AddDays(-1));
        using var file = new MemoryStream();
        var readings = synthetic.Write(file, messages, samples, enqueued);
        var bytes = file.ToArray();
        var processor = new CaptureProcessor(new DeviceDirectory(synthetic.Registrations), new IngestOptions());

        // Warm-up on a slice so the JIT has produced optimized code before anything is timed.
        using (var warmup = new MemoryStream())
        {
            synthetic.Write(warmup, Math.Min(messages, 3000), samples, enqueued);
            warmup.Position = 0;
            await RunPipelineAsync(processor, warmup.ToArray(), cancellationToken);
        }

        // Avro decode alone: how much of the time is the container format.
        var decode = CpuStopwatch.StartNew();
        var events = 0;
        await foreach (var _ in CaptureFileReader.ReadAsync(new MemoryStream(bytes), cancellationToken))
        {
            events++;
        }

        decode.Stop();

        // Signature recovery alone, on the first events' bodies.
        var sample = new List<(byte[] Body, byte[] Signature)>();
        await foreach (var e in CaptureFileReader.ReadAsync(new MemoryStream(bytes), cancellationToken))
        {
            sample.Add((e.Body!, Convert.FromHexString(e.Signature![2..])));
            if (sample.Count == 2000)
            {
                break;
            }
        }

        var recover = CpuStopwatch.StartNew();
        foreach (var (body, signature) in sample)
        {
            MessageSignature.TryRecoverSigner(body, signature, out _);
        }

        recover.Stop();

        var wall = Stopwatch.StartNew();
        var pipeline = CpuStopwatch.StartNew();
        var (accepted, rejected, firstProblem) = await RunPipelineAsync(processor, bytes, cancellationToken);
        pipeline.Stop();
        wall.Stop();
        if (accepted != messages)
        {
            throw new InvalidOperationException($"The benchmark file should be all valid, but {rejected} messages were rejected ({firstProblem}).");
        }

        return new IngestBenchmarkResult(
            events, readings, bytes.Length, decode.Elapsed.TotalSeconds, pipeline.Elapsed.TotalSeconds, wall.Elapsed.TotalSeconds,
            sample.Count / recover.Elapsed.TotalSeconds);
    }

    /// <summary>
    /// What the ingest stage does per batch minus storage: decode, signature, validation, duplicate check, and
    /// folding the accepted samples into minute buckets, batch by batch as the stage streams a file.
    /// </summary>
    private static async Task<(long Accepted, long Rejected, string? FirstProblem)> RunPipelineAsync(
        CaptureProcessor processor, byte[] file, CancellationToken cancellationToken)
    {
        var aggregates = new MinuteAggregator();
        long accepted = 0, rejected = 0;
        string? firstProblem = null;
        await foreach (var batch in processor.ProcessAsync(new MemoryStream(file), "bench", new IngestOptions().BatchMessages, cancellationToken))
        {
            foreach (var message in batch.Accepted)
            {
                aggregates.Add(message.Message);
            }

            accepted += batch.Accepted.Count;
            rejected += batch.Rejected.Count;
            firstProblem ??= batch.Rejected.FirstOrDefault()?.Detail;
        }

        return (accepted, rejected, firstProblem);
    }

    /// <summary>CPU time of this process between start and stop.</summary>
    internal sealed class CpuStopwatch
    {
        private readonly TimeSpan _start = Process.GetCurrentProcess().TotalProcessorTime;
        private TimeSpan _stop;

        public TimeSpan Elapsed => _stop - _start;

        public static CpuStopwatch StartNew() => new();

        public void Stop() => _stop = Process.GetCurrentProcess().TotalProcessorTime;
    }
}
