using System.CommandLine;
using System.Globalization;
using CityFn.Edge.Models;
using Spectre.Console;

namespace CityFn.Cli.Edge;

/// <summary><c>cityfn bench edge</c>: edge host rows/s and latency over HTTP next to in-process ONNX Runtime.</summary>
public static class EdgeBenchCommand
{
    public static Command Build(IAnsiConsole console)
    {
        var seconds = new Option<double>("--seconds") { Description = "Measured seconds per cell (after a 0.3 s warm-up).", DefaultValueFactory = _ => 2 };
        var concurrency = new Option<int[]>("--concurrency") { Description = "Callers with one request in flight each.", DefaultValueFactory = _ => [1, 4, 16, 64], AllowMultipleArgumentsPerToken = true };
        var batch = new Option<int[]>("--batch") { Description = "Rows per request.", DefaultValueFactory = _ => [1, 64, 256], AllowMultipleArgumentsPerToken = true };
        var delay = new Option<double>("--max-queue-delay-ms") { Description = "The model's batching window.", DefaultValueFactory = _ => 2 };
        var maxBatch = new Option<int>("--max-batch") { Description = "The model's max batch in rows.", DefaultValueFactory = _ => 4096 };
        var model = new Option<string>("--model")
        {
            Description = $"The model to serve: a name in --models (default traffic-forecast, the committed model) or '{EdgeBenchModel.TinyMlpName}' for the tiny MLP the tests use.",
            DefaultValueFactory = _ => "traffic-forecast",
        };
        var models = new Option<DirectoryInfo?>("--models") { Description = "The model repository folder (default: the repository's models/)." };
        var instances = new Option<int>("--instances")
        {
            Description = "The model's instance_count: batches that may run at once on its session.",
            DefaultValueFactory = _ => ModelConfig.DefaultInstanceCount,
        };
        var device = new Option<ExecutionDevice>("--device")
        {
            Description = "Where the model runs, in process and in the host: auto (CUDA where its runtime loads, else CPU), cpu, or cuda (fails without it).",
            DefaultValueFactory = _ => ExecutionDevice.Auto,
        };
        var command = new Command("edge", "Benchmark the edge host (perf_analyzer style): concurrency x batch -> rows/s, p50/p90/p99, against in-process ONNX Runtime on the same model.")
        {
            seconds, concurrency, batch, delay, maxBatch, model, models, device, instances,
        };

        CliAction.Set(command, console, async (parseResult, cancellationToken) =>
        {
            var name = parseResult.GetValue(model)!;
            var benchModel = name == EdgeBenchModel.TinyMlpName
                ? EdgeBenchModel.TinyMlp()
                : EdgeBenchModel.FromRepository(parseResult.GetValue(models)?.FullName ?? Path.Combine(LocalDev.RepositoryRoot.Find(), "models"), name);
            var bench = new EdgeBench(benchModel, TimeSpan.FromSeconds(parseResult.GetValue(seconds)), parseResult.GetValue(delay), parseResult.GetValue(maxBatch), parseResult.GetValue(device), parseResult.GetValue(instances));
            var batches = parseResult.GetValue(batch)!;
            var progress = new Progress<string>(message => console.MarkupLineInterpolated($"[grey]{message}[/]"));
            var (cells, provider, inProcess, difference) = await bench.RunAsync(parseResult.GetValue(concurrency)!, batches, progress, cancellationToken);

            console.MarkupLineInterpolated($"Model: {benchModel.Description}; execution provider [bold]{provider}[/]; {Environment.ProcessorCount} cores; max queue delay {parseResult.GetValue(delay)} ms, max batch {parseResult.GetValue(maxBatch)} rows, {parseResult.GetValue(instances)} instances; binary tensors on loopback; load generator in the same process.");
            if (provider != OnnxModel.CudaProvider)
            {
                console.MarkupLine("[yellow]CPU only (no CUDA here, or --device cpu).[/]");
            }

            if (difference is { } maxDifference)
            {
                console.MarkupLineInterpolated($"{provider} outputs against CPU on the same rows: max |difference| {maxDifference.ToString("G3", CultureInfo.InvariantCulture)}.");
            }

            var table = new Table().AddColumns("conc", "batch", "req", "rows/s", "p50 ms", "p90 ms", "p99 ms", "in-proc", "ratio", "err");
            foreach (var cell in cells)
            {
                var baseline = inProcess[cell.Batch];
                table.AddRow(
                    cell.Concurrency.ToString(CultureInfo.InvariantCulture),
                    cell.Batch.ToString(CultureInfo.InvariantCulture),
                    cell.Requests.ToString(CultureInfo.InvariantCulture),
                    Rate(cell.RowsPerSecond),
                    cell.P50Ms.ToString("F2", CultureInfo.InvariantCulture),
                    cell.P90Ms.ToString("F2", CultureInfo.InvariantCulture),
                    cell.P99Ms.ToString("F2", CultureInfo.InvariantCulture),
                    Rate(baseline),
                    (cell.RowsPerSecond / baseline).ToString("F2", CultureInfo.InvariantCulture),
                    cell.Failures.ToString(CultureInfo.InvariantCulture));
            }

            console.Write(table);
            console.MarkupLine("in-proc = in-process ONNX Runtime rows/s; ratio = HTTP rows/s / in-proc (one caller, same model, same ONNX Runtime build and session options).");
            return cells.Any(c => c.Failures > 0) ? CliAction.NotOk : CliAction.Ok;
        });
        return command;
    }

    /// <summary>Rows per second in k/M so that the table fits an 80-column terminal.</summary>
    private static string Rate(double rowsPerSecond) => rowsPerSecond switch
    {
        >= 1e6 => (rowsPerSecond / 1e6).ToString("F2", CultureInfo.InvariantCulture) + "M",
        >= 1e3 => (rowsPerSecond / 1e3).ToString("F1", CultureInfo.InvariantCulture) + "k",
        _ => rowsPerSecond.ToString("F0", CultureInfo.InvariantCulture),
    };
}
