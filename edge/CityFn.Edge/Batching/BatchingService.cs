using System.Diagnostics.Metrics;
using CityFn.Edge.Models;
using CityFn.Edge.Telemetry;

namespace CityFn.Edge.Batching;

/// <summary>
/// Owns one <see cref="DynamicBatcher"/> per model. As a hosted service it stops after the web server has
/// drained in-flight requests, then finishes whatever is still queued (graceful shutdown).
/// </summary>
public sealed class BatchingService : IHostedService, IAsyncDisposable
{
    private readonly Dictionary<OnnxModel, DynamicBatcher> _batchers;

    public BatchingService(ModelRepository repository, EdgeMetrics metrics, ILogger<DynamicBatcher> logger)
    {
        ArgumentNullException.ThrowIfNull(repository);
        ArgumentNullException.ThrowIfNull(metrics);
        _batchers = repository.Models.ToDictionary(m => m, m => new DynamicBatcher(m, metrics, logger));
        metrics.ObserveQueueDepth(() => _batchers.Values.Select(b => new Measurement<long>(b.Waiting, new KeyValuePair<string, object?>("model", b.Model.Name))));
    }

    public DynamicBatcher For(OnnxModel model) => _batchers[model];

    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public async Task StopAsync(CancellationToken cancellationToken) => await DisposeAsync();

    public async ValueTask DisposeAsync()
    {
        foreach (var batcher in _batchers.Values)
        {
            await batcher.DisposeAsync();
        }
    }
}
