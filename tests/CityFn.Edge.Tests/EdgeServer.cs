using CityFn.Core.EdgeHosts;
using CityFn.Edge.Models;
using CityFn.LocalDev;
using Microsoft.AspNetCore.Builder;

namespace CityFn.Edge.Tests;

/// <summary>
/// A real edge host on a free loopback port, serving a model repository written for the test: the tiny
/// MLP under several batching configs. The operator key is generated at run time into a temp key file.
/// </summary>
public sealed class EdgeServer : IAsyncDisposable
{
    /// <summary>Batched, 2 ms delay: the default config.</summary>
    public const string Mlp = "mlp";

    /// <summary>Batched with a 50 ms window held in full (no idle dispatch), so that concurrent callers certainly share runs.</summary>
    public const string Coalescing = "mlp_coalescing";

    /// <summary>A long window held in full and room for two waiting requests: the third is refused with 429.</summary>
    public const string TinyQueue = "mlp_tiny_queue";

    /// <summary>A 10 s window with idle dispatch (the default): a lone request must not wait for it.</summary>
    public const string LongWindow = "mlp_long_window";

    public static readonly TinyMlp Model = new();

    private readonly string _folder;

    private EdgeServer(string folder, WebApplication app, Uri baseUri, OperatorKey key)
    {
        _folder = folder;
        App = app;
        BaseUri = baseUri;
        Key = key;
    }

    public WebApplication App { get; }

    public Uri BaseUri { get; }

    public OperatorKey Key { get; }

    public HttpClient CreateClient() => new() { BaseAddress = BaseUri };

    public static async Task<EdgeServer> StartAsync(IEnumerable<string>? extraArgs = null, int tinyQueueDelayMs = 1000)
    {
        var folder = Directory.CreateTempSubdirectory("cityfn-edge-test-").FullName;
        var models = Path.Combine(folder, "models");
        var onnx = Model.ToOnnx();
        ModelRepository.WriteModel(models, onnx, new ModelConfig(Mlp, MaxBatchSize: 1024, MaxQueueDelayMs: 2));
        ModelRepository.WriteModel(models, onnx, new ModelConfig(Coalescing, MaxBatchSize: 4096, MaxQueueDelayMs: 50, DispatchWhenIdle: false));
        ModelRepository.WriteModel(models, onnx, new ModelConfig(TinyQueue, MaxBatchSize: 1024, MaxQueueDelayMs: tinyQueueDelayMs, MaxQueueSize: 2, DispatchWhenIdle: false));
        ModelRepository.WriteModel(models, onnx, new ModelConfig(LongWindow, MaxBatchSize: 1024, MaxQueueDelayMs: 1000));
        var key = OperatorKey.Generate();
        var keyFile = Path.Combine(folder, "operator.key");
        await File.WriteAllTextAsync(keyFile, key.ToHex());

        var port = FreePorts.Pick(1)[0];
        string[] args =
        [
            "--models", models,
            "--port", port.ToString(System.Globalization.CultureInfo.InvariantCulture),
            "--device", "cpu",
            "--key-file", keyFile,
            "--Edge:MaxRequestBytes=1048576",
            "--Logging:LogLevel:Default=Warning",
            .. extraArgs ?? [],
        ];
        try
        {
            var app = EdgeHost.Build(args);
            await app.StartAsync();
            return new EdgeServer(folder, app, new Uri($"http://127.0.0.1:{port}"), key);
        }
        catch
        {
            Directory.Delete(folder, recursive: true);
            throw;
        }
    }

    public async ValueTask DisposeAsync()
    {
        await App.StopAsync();
        await App.DisposeAsync();
        Directory.Delete(_folder, recursive: true);
    }
}

/// <summary>One edge host for the protocol tests of a collection.</summary>
public sealed class EdgeServerFixture : IAsyncLifetime
{
    private EdgeServer? _server;

    public EdgeServer Server => _server ?? throw new InvalidOperationException("The edge host has not started.");

    public async Task InitializeAsync() => _server = await EdgeServer.StartAsync();

    public async Task DisposeAsync()
    {
        if (_server is not null)
        {
            await _server.DisposeAsync();
        }
    }
}

[CollectionDefinition(Name)]
public sealed class EdgeServerCollection : ICollectionFixture<EdgeServerFixture>
{
    public const string Name = "Edge server";
}
