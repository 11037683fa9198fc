using System.Diagnostics;
using System.Threading.Channels;
using CityFn.Edge.Models;
using CityFn.Edge.Telemetry;

namespace CityFn.Edge.Batching;

/// <summary>
/// Triton-style dynamic batching for one model: requests wait in a bounded queue; the batcher takes the
/// oldest, then keeps adding queued requests until the batch holds <c>max_batch_size</c> rows or the oldest
/// has waited <c>max_queue_delay_ms</c>, runs the model once on the concatenation along the batch
/// dimension, and hands each caller exactly its rows. The queue counts every request not yet run,
/// including those gathered into the forming batch; when <c>max_queue_size</c> wait, new requests get HTTP 429.
/// With <c>dispatch_when_idle</c> (the default) the batcher stops waiting as soon as the queue is empty and no
/// request for the model is still being read and parsed (<see cref="BeginArrival"/>): waiting longer could only
/// add latency, since nothing else can join the batch. Under load, batches still form while the model runs.
/// <c>instance_count</c> loops share the queue and the model's one session (ONNX Runtime runs are thread-safe):
/// one loop at a time gathers a batch (so batches keep the queue's order and never exceed the max batch), and
/// up to <c>instance_count</c> gathered batches run at once.
/// </summary>
public sealed partial class DynamicBatcher : IAsyncDisposable
{
    private readonly OnnxModel _model;
    private readonly EdgeMetrics _metrics;
    private readonly ILogger _logger;
    private readonly Channel<InferenceWork> _queue;
    private readonly long _maxDelayTicks;
    private readonly SemaphoreSlim _gathering = new(1, 1);
    private readonly Task[] _instances;
    private volatile bool _stopping;
    private int _waiting;
    private int _arriving;

    public DynamicBatcher(OnnxModel model, EdgeMetrics metrics, ILogger logger)
    {
        ArgumentNullException.ThrowIfNull(model);
        _model = model;
        _metrics = metrics;
        _logger = logger;
        _queue = Channel.CreateUnbounded<InferenceWork>(new UnboundedChannelOptions { SingleReader = model.Config.InstanceCount == 1 });
        _maxDelayTicks = (long)(model.Config.MaxQueueDelayMs * Stopwatch.Frequency / 1000);
        _instances = [.. Enumerable.Range(0, Math.Max(1, model.Config.InstanceCount)).Select(_ => Task.Run(RunAsync))];
    }

    public OnnxModel Model => _model;

    /// <summary>Requests queued or gathered into the forming batch, not yet run.</summary>
    public long Waiting => Volatile.Read(ref _waiting);

    /// <summary>
    /// Marks a request for this model as on its way in (its body is being read and parsed), so that a forming
    /// batch waits for it. Dispose the arrival when the request is queued or has failed.
    /// </summary>
    public Arrival BeginArrival()
    {
        Interlocked.Increment(ref _arriving);
        return new Arrival(this);
    }

    public EnqueueOutcome TryEnqueue(InferenceWork work)
    {
        if (_stopping)
        {
            return EnqueueOutcome.ShuttingDown;
        }

        if (Interlocked.Increment(ref _waiting) > _model.Config.MaxQueueSize)
        {
            Interlocked.Decrement(ref _waiting);
            return EnqueueOutcome.QueueFull;
        }

        if (!_queue.Writer.TryWrite(work))
        {
            Interlocked.Decrement(ref _waiting);
            return EnqueueOutcome.ShuttingDown;
        }

        return EnqueueOutcome.Queued;
    }

    /// <summary>Stops taking requests and finishes every queued one before returning.</summary>
    public async ValueTask DisposeAsync()
    {
        _stopping = true;
        _queue.Writer.TryComplete();
        await Task.WhenAll(_instances);
        _gathering.Dispose();
    }

    private async Task RunAsync()
    {
        var batch = new List<InferenceWork>();
        while (true)
        {
            long rows;
            await _gathering.WaitAsync();
            try
            {
                rows = await GatherAsync(batch);
            }
            finally
            {
                _gathering.Release();
            }

            if (batch.Count == 0)
            {
                return; // The queue is complete and empty: shutting down.
            }

            Execute(batch, rows);
            batch.Clear();
        }
    }

    /// <summary>Fills <paramref name="batch"/> with the next batch and returns its rows; leaves it empty once the queue is complete and drained.</summary>
    private async Task<long> GatherAsync(List<InferenceWork> batch)
    {
        var reader = _queue.Reader;
        InferenceWork? first;
        do
        {
            if (!await reader.WaitToReadAsync())
            {
                return 0;
            }
        }
        while (!reader.TryRead(out first));

        batch.Add(first);
        var rows = first.Rows;
        if (!_model.Batches)
        {
            return rows;
        }

        var deadline = first.EnqueuedAt + _maxDelayTicks;
        while (rows < _model.Config.MaxBatchSize)
        {
            if (reader.TryPeek(out var next))
            {
                if (rows + next.Rows > _model.Config.MaxBatchSize || !reader.TryRead(out next))
                {
                    break;
                }

                batch.Add(next);
                rows += next.Rows;
                continue;
            }

            if (_model.Config.DispatchWhenIdle && Volatile.Read(ref _arriving) == 0)
            {
                break;
            }

            var remaining = deadline - Stopwatch.GetTimestamp();
            if (remaining <= 0 || _stopping || !await WaitForMoreAsync(reader, remaining))
            {
                break;
            }
        }

        return rows;
    }

    private static async Task<bool> WaitForMoreAsync(ChannelReader<InferenceWork> reader, long remainingTicks)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromTicks(Math.Max(1, remainingTicks * TimeSpan.TicksPerSecond / Stopwatch.Frequency)));
        try
        {
            return await reader.WaitToReadAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }

    private void Execute(List<InferenceWork> batch, long rows)
    {
        Interlocked.Add(ref _waiting, -batch.Count);
        var started = Stopwatch.GetTimestamp();
        foreach (var work in batch)
        {
            _metrics.RecordQueueTime(_model.Name, Stopwatch.GetElapsedTime(work.EnqueuedAt, started));
        }

        var results = new InferenceOutput[batch.Count][];
        for (var w = 0; w < batch.Count; w++)
        {
            results[w] = new InferenceOutput[_model.Outputs.Count];
        }

        try
        {
            var shapes = new long[_model.Inputs.Count][];
            for (var i = 0; i < shapes.Length; i++)
            {
                shapes[i] = (long[])batch[0].Shapes[i].Clone();
                if (_model.Batches)
                {
                    shapes[i][0] = rows;
                }
            }

            _model.Run(
                shapes,
                (index, destination) =>
                {
                    var offset = 0;
                    foreach (var work in batch)
                    {
                        var source = work.Inputs[index].Span;
                        source.CopyTo(destination[offset..]);
                        offset += source.Length;
                    }
                },
                (index, shape, data) =>
                {
                    var spec = _model.Outputs[index];
                    if (!_model.Batches)
                    {
                        results[0][index] = new InferenceOutput(spec, shape.ToArray(), data.ToArray());
                        return;
                    }

                    var rowBytes = shape[0] == 0 ? 0 : data.Length / (int)shape[0];
                    var offset = 0;
                    for (var w = 0; w < batch.Count; w++)
                    {
                        var callerShape = shape.ToArray();
                        callerShape[0] = batch[w].Rows;
                        var length = (int)batch[w].Rows * rowBytes;
                        results[w][index] = new InferenceOutput(spec, callerShape, data.Slice(offset, length).ToArray());
                        offset += length;
                    }
                });
        }
#pragma warning disable CA1031 // A failed run fails its callers' requests (500), never the batcher.
        catch (Exception exception)
#pragma warning restore CA1031
        {
            LogRunFailed(_logger, exception, _model.Name, batch.Count, rows);
            foreach (var work in batch)
            {
                work.Completion.TrySetException(new InferenceFailedException($"Model {_model.Name} failed to run: {exception.Message}", exception));
            }

            return;
        }

        _metrics.RecordBatch(_model.Name, rows, batch.Count, Stopwatch.GetElapsedTime(started));
        for (var w = 0; w < batch.Count; w++)
        {
            batch[w].Completion.TrySetResult(results[w]);
        }
    }

    /// <summary>A request on its way into the queue; see <see cref="BeginArrival"/>.</summary>
    public sealed class Arrival(DynamicBatcher batcher) : IDisposable
    {
        private int _done;

        /// <summary>Queues the request; the arrival ends first, so the batcher never waits for a request already queued.</summary>
        public EnqueueOutcome Enqueue(InferenceWork work)
        {
            Dispose();
            return batcher.TryEnqueue(work);
        }

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _done, 1) == 0)
            {
                Interlocked.Decrement(ref batcher._arriving);
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "Model {Model} failed on a batch of {Requests} requests ({Rows} rows)")]
    private static partial void LogRunFailed(ILogger logger, Exception exception, string model, int requests, long rows);
}

/// <summary>ONNX Runtime refused or failed a run; the callers get HTTP 500 with this message.</summary>
public sealed class InferenceFailedException(string message, Exception inner) : Exception(message, inner);
