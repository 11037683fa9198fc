using CityFn.Core.EdgeHosts;
using CityFn.Edge;
using CityFn.Edge.Models;
using CityFn.LocalDev;
using Microsoft.AspNetCore.Builder;

namespace CityFn.Scoring.Tests;

/// <summary>
/// A real edge host on a free loopback port serving the tiny MLP under the given model names. A "lying"
/// host serves an MLP with other weights under the same names (its answers are validly signed but wrong);
/// a "slow" host batches with a long window, so every request waits that long.
/// </summary>
public sealed class ScoringEdgeHost : IAsyncDisposable
{
    /// <summary>The honest model: what the CPU reference also runs.</summary>
    public static readonly TinyMlp Honest = new();

    /// <summary>Same input and output, other weights: plausible scores, wrong ones.</summary>
    public static readonly TinyMlp Wrong = new(hidden: 12);

    private readonly string _folder;
    private bool _stopped;

    private ScoringEdgeHost(string folder, WebApplication app, Uri baseUri, OperatorKey key)
    {
        _folder = folder;
        App = app;
        BaseUri = baseUri;
        Key = key;
    }

    public WebApplication App { get; }

    public Uri BaseUri { get; }

    public OperatorKey Key { get; }

    public string Address => Key.Address;

    public static async Task<ScoringEdgeHost> StartAsync(IReadOnlyList<string> models, TinyMlp? model = null, double batchDelayMs = 1)
    {
        var folder = Directory.CreateTempSubdirectory("cityfn-scoring-host-").FullName;
        var onnx = (model ?? Honest).ToOnnx();
        foreach (var name in models)
        {
            // Every batch waits its full window (no dispatch_when_idle), so a slow host (600 ms) is slow on every call,
            // not only when another request happens to be arriving: the hedging test depends on it.
            ModelRepository.WriteModel(Path.Combine(folder, "models"), onnx, new ModelConfig(name, MaxBatchSize: 4096, MaxQueueDelayMs: batchDelayMs, DispatchWhenIdle: false));
        }

        var key = OperatorKey.Generate();
        var port = FreePorts.Pick(1)[0];
        try
        {
            var app = EdgeHost.Build(
            [
                "--models", Path.Combine(folder, "models"),
                "--port", port.ToString(System.Globalization.CultureInfo.InvariantCulture),
                "--device", "cpu",
                "--key-file", await WriteKeyAsync(folder, key),
                "--Logging:LogLevel:Default=Warning",
            ]);
            await app.StartAsync();
            return new ScoringEdgeHost(folder, app, new Uri($"http://127.0.0.1:{port}"), key);
        }
        catch
        {
            Directory.Delete(folder, recursive: true);
            throw;
        }
    }

    /// <summary>A signed registration in the registry, as the host's heartbeat would write it.</summary>
    public async Task RegisterAsync(EdgeHostRegistry registry, IReadOnlyList<string> models)
    {
        ArgumentNullException.ThrowIfNull(registry);
        var registration = new EdgeHostRegistration(Address, BaseUri.ToString().TrimEnd('/'), models, 256, DateTimeOffset.UtcNow.ToUnixTimeSeconds());
        var result = await registry.RegisterAsync(registration.Sign(Key));
        Assert.True(result.Accepted, result.Error);
    }

    public async Task StopAsync()
    {
        if (!_stopped)
        {
            _stopped = true;
            await App.StopAsync();
        }
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        await App.DisposeAsync();
        Directory.Delete(_folder, recursive: true);
    }

    private static async Task<string> WriteKeyAsync(string folder, OperatorKey key)
    {
        var file = Path.Combine(folder, "operator.key");
        await File.WriteAllTextAsync(file, key.ToHex());
        return file;
    }
}
