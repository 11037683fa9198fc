using System.Globalization;
using Azure.Storage.Blobs;
using CityFn.Core.Network;
using CityFn.TestSupport;

namespace CityFn.Cli.Tests.Network;

[Collection(LocalDependenciesCollection.Name)]
public sealed class NetworkPublishTests(AzuriteFixture azurite) : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("cityfn-network-").FullName;

    [Fact]
    public async Task The_map_simulate_writes_publishes_to_storage_where_scoring_reads_it()
    {
        var (simulateExit, simulateOutput) = await CliRun.InvokeAsync(
            "simulate", "--out", _directory, "--devices", "4", "--minutes", "1", "--grid", "3x4", "--json");
        Assert.True(simulateExit == 0, simulateOutput);

        var (exitCode, output) = await CliRun.InvokeAsync(
            "network", "publish", Path.Combine(_directory, "road-network.json"), "--storage", azurite.ConnectionString);

        Assert.True(exitCode == 0, output);
        // 3×4 grid: 3 rows × 3 gaps + 4 columns × 2 gaps, both ways.
        Assert.Contains(string.Create(CultureInfo.InvariantCulture, $"Published {2 * ((3 * 3) + (4 * 2))} segments (time zone UTC)"), output, StringComparison.Ordinal);
        var map = await new RoadNetworkStore(new BlobServiceClient(azurite.ConnectionString)).LoadAsync();
        Assert.NotNull(map);
        Assert.Contains(map.Segments, s => s.Id == "seg-r1c1-E" && s.Downstream.Contains("seg-r1c2-E"));
    }

    [Fact]
    public async Task A_broken_map_is_refused_with_its_problems_and_nothing_is_published()
    {
        var path = Path.Combine(_directory, "bad.json");
        await File.WriteAllTextAsync(path, """{"version":2,"timeZone":"UTC","segments":[]}""");

        var (exitCode, output) = await CliRun.InvokeAsync("network", "publish", path, "--storage", azurite.ConnectionString);

        Assert.Equal(CliAction.UserError, exitCode);
        Assert.Contains("is not a usable road network map", output, StringComparison.Ordinal);
        Assert.Contains("version must be 1, got 2.", output, StringComparison.Ordinal);
        Assert.Contains("segments must list at least one segment.", output, StringComparison.Ordinal);
    }

    public void Dispose() => Directory.Delete(_directory, recursive: true);
}
