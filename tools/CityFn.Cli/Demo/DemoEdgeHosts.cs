using System.Globalization;
using CityFn.Core.EdgeHosts;
using CityFn.Edge;
using CityFn.LocalDev;
using Microsoft.AspNetCore.Builder;

namespace CityFn.Cli.Demo;

/// <summary>One edge host of the demo, running in this process on a loopback port.</summary>
internal sealed record DemoEdgeHost(string Name, string Address, Uri Url, bool Misbehaving, WebApplication App);

/// <summary>
/// The demo's three edge hosts: two honest ones and one misbehaving one serving the tampered models. Each has
/// its own operator key (written to the data folder, never printed) and registers and heartbeats itself into
/// the registry, as an operator's host does (`cityfn edge serve --register`).
/// </summary>
internal sealed class DemoEdgeHosts : IAsyncDisposable
{
    private readonly List<DemoEdgeHost> _hosts = [];

    public IReadOnlyList<DemoEdgeHost> Hosts => _hosts;

    public static async Task<DemoEdgeHosts> StartAsync(
        string folder, string honestModels, string tamperedModels, string connectionString, CancellationToken cancellationToken = default)
    {
        var hosts = new DemoEdgeHosts();
        try
        {
            foreach (var (name, models, misbehaving) in new[] { ("edge-1", honestModels, false), ("edge-2", honestModels, false), ("edge-3", tamperedModels, true) })
            {
                var key = OperatorKey.Generate();
                var keyFile = Path.Combine(folder, $"{name}.key");
                await File.WriteAllTextAsync(keyFile, key.ToHex(), cancellationToken);
                var port = FreePorts.Pick(1)[0];
                var app = EdgeHost.Build(
                [
                    "--models", models, "--port", port.ToString(CultureInfo.InvariantCulture), "--device", "cpu", "--key-file", keyFile,
                    "--register", "--storage", connectionString, "--Edge:HeartbeatSeconds=10", "--Logging:LogLevel:Default=Warning",
                ]);
                await app.StartAsync(cancellationToken);
                hosts._hosts.Add(new DemoEdgeHost(name, key.Address, new Uri($"http://127.0.0.1:{port}"), misbehaving, app));
            }

            return hosts;
        }
        catch
        {
            await hosts.DisposeAsync();
            throw;
        }
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var host in _hosts)
        {
            await host.App.StopAsync();
            await host.App.DisposeAsync();
        }

        _hosts.Clear();
    }
}
