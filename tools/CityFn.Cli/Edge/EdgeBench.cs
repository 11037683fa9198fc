using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Headers;
using System.Runtime.InteropServices;
using System.Text;
using CityFn.Edge;
using CityFn.Edge.Models;
using CityFn.LocalDev;

namespace CityFn.Cli.Edge;

/// <summary>One cell of the benchmark grid.</summary>
public sealed record EdgeBenchCell(int Concurrency, int Batch, long Requests, double RowsPerSecond, double P50Ms, double P90Ms, double P99Ms, long Failures);

/// <summary>The model a benchmark serves: its ONNX bytes under a name (batching settings come from the bench).</summary>
public sealed record EdgeBenchModel(string Name, byte[] Onnx, string Description)
{
    /// <summary>The name that selects the tiny MLP (8 → 16 → 1) the tests use.</summary>
    public const string TinyMlpName = "mlp";

    public static EdgeBenchModel TinyMlp() => new(TinyMlpName, new TinyMlp().ToOnnx(), "tiny MLP float32 [N,8] -> [N,1]");

    /// <summary>A model from a repository folder (<c>&lt;name&gt;/&lt;version&gt;/model.onnx</c>), e.g. the committed models/.</summary>
    public static EdgeBenchModel FromRepository(string repository, string name)
    {
        var folder = Path.Combine(repository, name);
        var file = Directory.Exists(folder)
            ? Directory.EnumerateFiles(folder, ModelConfig.ModelFileName, SearchOption.AllDirectories).Order(StringComparer.Ordinal).LastOrDefault()
            : null;
        return file is null
            ? throw new FileNotFoundException($"No model {name} in {Path.GetFullPath(repository)} (looked for {name}/<version>/{ModelConfig.ModelFileName}); use --model {TinyMlpName} for the tiny MLP or --models DIR.")
            : new EdgeBenchModel(name, File.ReadAllBytes(file), $"{name} ({Path.GetRelativePath(repository, file)})");
    }
}

/// <summary>
/// The edge host benchmark, in the manner of perf_analyzer: the host runs in this process on a loopback
/// port serving one model (the committed traffic-forecast by default, or the tiny MLP); for each
/// (concurrency, batch) cell, <c>concurrency</c> callers each keep one binary-tensor request of <c>batch</c>
/// rows in flight for a fixed time; latency is measured per request at the caller. The in-process baseline
/// runs the same <see cref="OnnxModel"/> (same ONNX Runtime build and session options) from one caller.
/// Inputs are random float32 rows in [-2, 2): the models' cost does not depend on the values much.
/// </summary>
public sealed class EdgeBench(EdgeBenchModel benchModel, TimeSpan cellDuration, double maxQueueDelayMs, int maxBatchSize, ExecutionDevice device = ExecutionDevice.Auto, int instanceCount = ModelConfig.DefaultInstanceCount)
{
    /// <summary>Rows in the batch that compares a GPU session's outputs with a CPU session's.</summary>
    private const int AgreementRows = 256;

    private static readonly TimeSpan Warmup = TimeSpan.FromMilliseconds(300);

    public static double InProcessRowsPerSecond(OnnxModel model, int batch, TimeSpan duration)
    {
        ArgumentNullException.ThrowIfNull(model);
        var input = Features(batch, model.Inputs[0].ElementsPerRow);
        long[][] shapes = [[batch, model.Inputs[0].ElementsPerRow]];
        var sink = 0f;
        void RunOnce() => model.Run(shapes, (_, destination) => input.CopyTo(destination), (_, _, data) => sink += data[0]);

        var warm = Stopwatch.StartNew();
        while (warm.Elapsed < Warmup)
        {
            RunOnce();
        }

        long runs = 0;
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < duration)
        {
            RunOnce();
            runs++;
        }

        GC.KeepAlive(sink);
        return runs * batch / clock.Elapsed.TotalSeconds;
    }

    /// <summary>
    /// The largest absolute difference between the outputs of <paramref name="model"/> and of a CPU session of the
    /// same ONNX on the same <see cref="AgreementRows"/> rows: how far the GPU path strays from the CPU reference.
    /// </summary>
    public static double MaxDifferenceFromCpu(OnnxModel model, byte[] onnx, ModelConfig config)
    {
        ArgumentNullException.ThrowIfNull(model);
        using var cpu = OnnxModel.Load(onnx, config, model.Name, ExecutionDevice.Cpu);
        var input = Features(AgreementRows, model.Inputs[0].ElementsPerRow);
        long[][] shapes = [[AgreementRows, model.Inputs[0].ElementsPerRow]];
        float[] Outputs(OnnxModel session)
        {
            float[] values = [];
            session.Run(shapes, (_, destination) => input.CopyTo(destination), (index, _, data) =>
            {
                if (index == 0)
                {
                    values = MemoryMarshal.Cast<byte, float>(data).ToArray();
                }
            });
            return values;
        }

        var (expected, actual) = (Outputs(cpu), Outputs(model));
        return expected.Length != actual.Length
            ? double.PositiveInfinity
            : expected.Zip(actual, (e, a) => Math.Abs((double)e - a)).DefaultIfEmpty(0).Max();
    }

    public async Task<(IReadOnlyList<EdgeBenchCell> Cells, string ExecutionProvider, IReadOnlyDictionary<int, double> InProcess, double? MaxDifferenceFromCpu)> RunAsync(
        IReadOnlyList<int> concurrencies, IReadOnlyList<int> batches, IProgress<string> progress, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(concurrencies);
        ArgumentNullException.ThrowIfNull(batches);
        ArgumentNullException.ThrowIfNull(progress);
        var folder = Directory.CreateTempSubdirectory("cityfn-edge-bench-").FullName;
        try
        {
            var name = benchModel.Name;
            var config = new ModelConfig(name, MaxBatchSize: maxBatchSize, MaxQueueDelayMs: maxQueueDelayMs, MaxQueueSize: 4096, InstanceCount: instanceCount);
            ModelRepository.WriteModel(Path.Combine(folder, "models"), benchModel.Onnx, config);

            var inProcess = new Dictionary<int, double>();
            TensorSpec input, output;
            double? difference = null;
            using (var model = OnnxModel.Load(benchModel.Onnx, config, name, device))
            {
                if (model.Inputs.Count != 1 || model.Inputs[0].DataType != TensorDataType.Fp32)
                {
                    throw new InvalidDataException($"The benchmark feeds one FP32 input; {name} has {string.Join(", ", model.Inputs.Select(i => $"{i.Name} {i.DataType}"))}.");
                }

                (input, output) = (model.Inputs[0], model.Outputs[0]);
                if (model.ExecutionProvider != OnnxModel.CpuProvider)
                {
                    progress.Report($"{model.ExecutionProvider} outputs against CPU on {AgreementRows} rows");
                    difference = MaxDifferenceFromCpu(model, benchModel.Onnx, config);
                }

                foreach (var batch in batches)
                {
                    progress.Report($"in-process ONNX Runtime, batch {batch}");
                    inProcess[batch] = InProcessRowsPerSecond(model, batch, cellDuration);
                }
            }

            var port = FreePorts.Pick(1)[0];
            var app = EdgeHost.Build(
            [
                "--models", Path.Combine(folder, "models"),
                "--port", port.ToString(CultureInfo.InvariantCulture),
                "--key-file", Path.Combine(folder, "operator.key"),
                "--device", device.ToString().ToLowerInvariant(),
                "--Logging:LogLevel:Default=Warning",
            ]);
            await using (app)
            {
                await app.StartAsync(cancellationToken);
                var provider = ((ModelRepository)app.Services.GetService(typeof(ModelRepository))!).Find(name, null)!.ExecutionProvider;
                var cells = new List<EdgeBenchCell>();
                foreach (var concurrency in concurrencies)
                {
                    foreach (var batch in batches)
                    {
                        progress.Report($"HTTP, concurrency {concurrency}, batch {batch}");
                        var request = BinaryRequest(input, output, batch);
                        cells.Add(await RunCellAsync(new Uri($"http://127.0.0.1:{port}/v2/models/{name}/infer"), request, concurrency, batch, cancellationToken));
                    }
                }

                await app.StopAsync(cancellationToken);
                return (cells, provider, inProcess, difference);
            }
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    private async Task<EdgeBenchCell> RunCellAsync(Uri uri, (byte[] Body, string HeaderLength) request, int concurrency, int batch, CancellationToken cancellationToken)
    {
        var (body, headerLength) = request;
        using var handler = new SocketsHttpHandler { MaxConnectionsPerServer = concurrency, PooledConnectionLifetime = Timeout.InfiniteTimeSpan };
        using var http = new HttpClient(handler);
        var latencies = new List<double>[concurrency];
        long failures = 0;
        var start = Stopwatch.GetTimestamp();
        var measureFrom = start + (long)(Warmup.TotalSeconds * Stopwatch.Frequency);
        var end = measureFrom + (long)(cellDuration.TotalSeconds * Stopwatch.Frequency);

        async Task CallerAsync(int caller)
        {
            var own = latencies[caller] = [];
            while (true)
            {
                var sent = Stopwatch.GetTimestamp();
                if (sent >= end)
                {
                    return;
                }

                using var content = new ByteArrayContent(body);
                content.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
                content.Headers.Add("Inference-Header-Content-Length", headerLength);
                using var response = await http.PostAsync(uri, content, cancellationToken);
                await response.Content.ReadAsByteArrayAsync(cancellationToken);
                var done = Stopwatch.GetTimestamp();
                if (!response.IsSuccessStatusCode)
                {
                    Interlocked.Increment(ref failures);
                }
                else if (sent >= measureFrom && done <= end)
                {
                    own.Add(Stopwatch.GetElapsedTime(sent, done).TotalMilliseconds);
                }
            }
        }

        await Task.WhenAll(Enumerable.Range(0, concurrency).Select(c => Task.Run(() => CallerAsync(c), cancellationToken)));
        var all = latencies.SelectMany(l => l).Order().ToArray();
        var seconds = cellDuration.TotalSeconds;
        return new EdgeBenchCell(concurrency, batch, all.Length, all.Length * (double)batch / seconds, Percentile(all, 0.50), Percentile(all, 0.90), Percentile(all, 0.99), failures);
    }

    private static double Percentile(double[] sorted, double p) =>
        sorted.Length == 0 ? double.NaN : sorted[Math.Min(sorted.Length - 1, (int)Math.Ceiling(p * sorted.Length) - 1)];

    private static (byte[] Body, string HeaderLength) BinaryRequest(TensorSpec input, TensorSpec output, int batch)
    {
        var features = Features(batch, input.ElementsPerRow);
        var shape = string.Join(',', input.Shape.Skip(1).Prepend(batch).Select(d => Math.Max(d, 1).ToString(CultureInfo.InvariantCulture)));
        var header = Encoding.UTF8.GetBytes(
            $"{{\"inputs\":[{{\"name\":\"{input.Name}\",\"shape\":[{shape}],\"datatype\":\"FP32\",\"parameters\":{{\"binary_data_size\":{features.Length}}}}}],"
            + $"\"outputs\":[{{\"name\":\"{output.Name}\",\"parameters\":{{\"binary_data\":true}}}}]}}");
        return ([.. header, .. features], header.Length.ToString(CultureInfo.InvariantCulture));
    }

    private static byte[] Features(int rows, long elementsPerRow)
    {
        var random = new Random(rows);
        var count = checked((int)(rows * elementsPerRow));
        var bytes = new byte[count * sizeof(float)];
        for (var i = 0; i < count; i++)
        {
            BitConverter.TryWriteBytes(bytes.AsSpan(i * 4), (float)((random.NextDouble() * 4) - 2));
        }

        return bytes;
    }
}
