namespace CityFn.Cli.Tests.Bench;

public sealed class BenchCommandsTests
{
    [Fact]
    public async Task Bench_ingest_on_a_small_file_reports_the_rates_it_measured_as_JSON()
    {
        var (_, output) = await CliRun.InvokeAsync("bench", "ingest", "--messages", "300", "--samples", "10", "--json");

        using var result = System.Text.Json.JsonDocument.Parse(output);
        Assert.Equal(300, result.RootElement.GetProperty("messages").GetDouble());
        Assert.Equal(3000, result.RootElement.GetProperty("readings").GetDouble());
        Assert.True(result.RootElement.GetProperty("signatureRecoveriesPerSecond").GetDouble() > 0);
    }

    [Fact]
    public async Task Bench_ingest_with_a_file_size_runs_the_whole_stage_on_a_file_on_disk_and_reports_peak_memory()
    {
        var (exitCode, output) = await CliRun.InvokeAsync("bench", "ingest", "--file-mb", "1", "--samples", "20", "--json");

        Assert.Equal(0, exitCode);
        using var result = System.Text.Json.JsonDocument.Parse(output);
        var messages = result.RootElement.GetProperty("messages").GetDouble();
        Assert.True(messages > 1000, output);
        Assert.Equal(messages * 20, result.RootElement.GetProperty("readings").GetDouble());
        Assert.True(result.RootElement.GetProperty("fileBytes").GetDouble() > 500_000, output);
        Assert.True(result.RootElement.GetProperty("peakWorkingSetMiB").GetDouble() > 0, output);
        Assert.True(result.RootElement.GetProperty("peakManagedHeapMiB").GetDouble() > 0, output);
        Assert.True(result.RootElement.GetProperty("peakHeapAfterGcMiB").GetDouble() > 0, output);
        Assert.True(result.RootElement.GetProperty("peakLiveHeapMiB").GetDouble() > 0, output);
    }
}
