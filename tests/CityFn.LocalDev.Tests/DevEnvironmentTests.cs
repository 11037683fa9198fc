using System.Net;
using System.Net.Sockets;
using System.Text.Json;

namespace CityFn.LocalDev.Tests;

/// <summary>
/// `cityfn dev up|status|down` on free ports with state in a temporary folder, so it never touches
/// a developer's own `dev up` on the default ports.
/// </summary>
public sealed class DevEnvironmentTests : IDisposable
{
    private readonly string _scratch = Directory.CreateTempSubdirectory("cityfn-dev-test-").FullName;

    [Fact]
    public async Task Up_starts_both_services_in_the_background_then_down_stops_them_by_pid()
    {
        var environment = NewEnvironment(out var azurite, out var chain);

        var up = await environment.UpAsync();

        Assert.True(up.AllReady);
        Assert.Equal(["Azurite", "Hardhat node"], up.Services.Select(s => s.Name));
        var pids = up.Services.Select(s => s.Pid).ToArray();
        Assert.True(NodeServerProcess.IsRunning(pids[0], AzuriteServer.CommandFragment));
        Assert.True(NodeServerProcess.IsRunning(pids[1], LocalChain.CommandFragment));

        var settings = ReadSettingsValues(environment.Paths.LocalSettingsFile);
        Assert.Equal(azurite.ConnectionString, settings.GetProperty("AzureWebJobsStorage").GetString());
        Assert.Equal(chain.RpcUrl, settings.GetProperty("Chain__RpcUrl").GetString());
        Assert.Equal("31337", settings.GetProperty("Chain__ChainId").GetString());
        Assert.Equal("dotnet-isolated", settings.GetProperty("FUNCTIONS_WORKER_RUNTIME").GetString());
        Assert.Matches("^0x[0-9a-f]{64}$", settings.GetProperty("Chain__SettlementKey").GetString());

        var again = await environment.UpAsync();
        Assert.Equal(pids, again.Services.Select(s => s.Pid));

        var stopped = environment.Down();

        Assert.Equal(2, stopped.Count);
        Assert.False(NodeServerProcess.IsRunning(pids[0], AzuriteServer.CommandFragment));
        Assert.False(NodeServerProcess.IsRunning(pids[1], LocalChain.CommandFragment));
        Assert.False(FreePorts.IsInUse(chain.Port));
        Assert.Empty((await environment.StatusAsync()).Services);
        Assert.False(Directory.Exists(environment.Paths.StateDirectory));
    }

    [Fact]
    public async Task Up_refuses_a_port_that_is_already_taken_and_names_it()
    {
        var environment = NewEnvironment(out _, out var chain);
        using var squatter = new TcpListener(IPAddress.Loopback, chain.Port);
        squatter.Start();

        var error = await Assert.ThrowsAsync<DependencyUnavailableException>(() => environment.UpAsync());

        Assert.Contains($"Port {chain.Port}", error.Message, StringComparison.Ordinal);
        Assert.Contains("Hardhat", error.Message, StringComparison.Ordinal);
        Assert.Empty((await environment.StatusAsync()).Services);
    }

    [Fact]
    public async Task Status_with_nothing_started_reports_no_services()
    {
        var environment = NewEnvironment(out _, out _);

        var status = await environment.StatusAsync();

        Assert.Empty(status.Services);
        Assert.False(status.AllReady);
        Assert.Empty(environment.Down());
    }

    public void Dispose()
    {
        Directory.Delete(_scratch, recursive: true);
    }

    private DevEnvironment NewEnvironment(out AzuriteEndpoints azurite, out ChainEndpoint chain)
    {
        var ports = FreePorts.Pick(4);
        azurite = new AzuriteEndpoints(ports[0], ports[1], ports[2]);
        chain = new ChainEndpoint(ports[3], 31337);
        var paths = new DevPaths(
            RepositoryRoot.Find(),
            Path.Combine(_scratch, "state"),
            Path.Combine(_scratch, "local.settings.json"));
        return new DevEnvironment(paths, azurite, chain);
    }

    private static JsonElement ReadSettingsValues(string path)
    {
        using var document = JsonDocument.Parse(File.ReadAllText(path));
        return document.RootElement.GetProperty("Values").Clone();
    }
}
