using System.Text.Json;
using Azure.Data.Tables;
using CityFn.Core.Devices;
using CityFn.Core.Ingest;
using CityFn.Core.Ingest.Capture;
using CityFn.TestSupport;

namespace CityFn.Cli.Tests.Ingest;

[Collection(LocalDependenciesCollection.Name)]
public sealed class IngestCommandTests(AzuriteFixture azurite) : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("cityfn-ingest-").FullName;

    [Fact]
    public async Task Ingesting_a_capture_directory_prints_one_JSON_summary_and_a_second_run_reports_the_same()
    {
        var enqueued = new DateTimeOffset(2026, 11, 25, 12, 0, 0, TimeSpan.Zero);
        var synthetic = SyntheticCapture.Create(4, "0x00000000000000000000000000000000000000aa", enqueued.AddDays(-1));
        var registry = new DeviceRegistryStore(new TableServiceClient(azurite.ConnectionString));
        foreach (var registration in synthetic.Registrations.Skip(1))
        {
            await registry.SaveAsync(registration);
        }

        var name = new CaptureBlobName("cli" + Guid.NewGuid().ToString("N")[..8], "traffic", "0", enqueued);
        var path = Path.Combine(_directory, name.ToString().Replace('/', Path.DirectorySeparatorChar));
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        await using (var file = File.Create(path))
        {
            synthetic.Write(file, 8, 30, enqueued);
        }

        var (exitCode, output) = await CliRun.InvokeAsync("ingest", _directory, "--storage", azurite.ConnectionString, "--json");
        var (_, again) = await CliRun.InvokeAsync("ingest", _directory, "--storage", azurite.ConnectionString, "--json");

        Assert.Equal(0, exitCode);
        using var summary = JsonDocument.Parse(output);
        var root = summary.RootElement;
        Assert.Equal(1, root.GetProperty("files").GetInt32());
        Assert.Equal(8, root.GetProperty("messages").GetInt64());
        Assert.Equal(6, root.GetProperty("accepted").GetInt64());
        Assert.Equal(2, root.GetProperty("rejected").GetProperty("unregistered_device").GetInt64());
        Assert.Equal(1, root.GetProperty("jobs").GetInt32());
        Assert.Equal(output, again);
    }

    [Fact]
    public async Task A_path_that_does_not_exist_is_a_user_error()
    {
        var (exitCode, output) = await CliRun.InvokeAsync("ingest", Path.Combine(_directory, "missing.avro"), "--storage", azurite.ConnectionString);

        Assert.Equal(2, exitCode);
        Assert.Contains("neither a file nor a directory", output, StringComparison.Ordinal);
    }

    public void Dispose() => Directory.Delete(_directory, recursive: true);
}
