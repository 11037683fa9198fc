namespace CityFn.Cli.Tests.Edge;

public sealed class EdgeCommandsTests
{
    [Fact]
    public async Task Demo_model_writes_a_repository_the_host_layout_expects()
    {
        var folder = Directory.CreateTempSubdirectory("cityfn-cli-edge-").FullName;
        try
        {
            var (exitCode, output) = await CliRun.InvokeAsync("edge", "demo-model", folder);

            Assert.Equal(0, exitCode);
            Assert.Contains("cityfn edge serve", output, StringComparison.Ordinal);
            Assert.True(File.Exists(Path.Combine(folder, "mlp", "1", "model.onnx")));
            Assert.True(File.Exists(Path.Combine(folder, "mlp", "config.json")));
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [Fact]
    public async Task Serve_with_a_missing_model_folder_says_what_to_fix_instead_of_a_stack_trace()
    {
        var missing = Path.Combine(Path.GetTempPath(), "cityfn-no-such-models-" + Guid.NewGuid().ToString("N"));

        var (exitCode, output) = await CliRun.InvokeAsync("edge", "serve", "--models", missing, "--port", "0", "--device", "cpu");

        Assert.Equal(2, exitCode);
        Assert.Contains("does not exist", output, StringComparison.Ordinal);
        Assert.Contains("demo-model", output, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Bench_edge_serves_the_committed_traffic_forecast_model_and_prints_rates_next_to_in_process_without_errors()
    {
        var (exitCode, output) = await CliRun.InvokeAsync("bench", "edge", "--seconds", "0.2", "--concurrency", "2", "--batch", "4");

        Assert.True(exitCode == 0, output);
        Assert.Contains("traffic-forecast (traffic-forecast/1/model.onnx)", output, StringComparison.Ordinal);
        Assert.Contains("in-proc", output, StringComparison.Ordinal);
        Assert.Contains("p99 ms", output, StringComparison.Ordinal);
        Assert.Contains("CPUExecutionProvider", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Bench_edge_can_serve_the_tiny_MLP_and_names_a_missing_model_with_the_way_out()
    {
        var (exitCode, output) = await CliRun.InvokeAsync("bench", "edge", "--seconds", "0.2", "--concurrency", "1", "--batch", "1", "--model", "mlp");
        Assert.True(exitCode == 0, output);
        Assert.Contains("tiny MLP", output, StringComparison.Ordinal);

        var (missingExit, missingOutput) = await CliRun.InvokeAsync("bench", "edge", "--model", "no-such-model");
        Assert.NotEqual(0, missingExit);
        Assert.Contains("No model no-such-model", missingOutput, StringComparison.Ordinal);
        Assert.Contains("--model mlp", missingOutput, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Serve_and_bench_with_device_cuda_where_cuda_cannot_load_name_the_remedy_instead_of_a_stack_trace()
    {
        if (CityFn.Edge.Models.OnnxModel.CudaRuntimePresent())
        {
            return; // A GPU machine: --device cuda works there (tools/device-check).
        }

        var folder = Directory.CreateTempSubdirectory("cityfn-cli-edge-cuda-").FullName;
        try
        {
            Assert.Equal(0, (await CliRun.InvokeAsync("edge", "demo-model", folder)).ExitCode);
            foreach (var command in new[]
            {
                new[] { "edge", "serve", "--models", folder, "--port", "0", "--device", "cuda" },
                ["bench", "edge", "--model", "mlp", "--device", "cuda", "--seconds", "0.2", "--concurrency", "1", "--batch", "1"],
            })
            {
                var (exitCode, output) = await CliRun.InvokeAsync(command);

                Assert.True(exitCode == 2, output);
                Assert.Contains("could not load its CUDA provider", output, StringComparison.Ordinal);
                Assert.Contains("LD_LIBRARY_PATH", output, StringComparison.Ordinal);
                Assert.DoesNotContain("   at ", output, StringComparison.Ordinal);
            }
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }
}
