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
}
