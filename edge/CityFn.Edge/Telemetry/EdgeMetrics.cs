using System.Diagnostics.Metrics;

namespace CityFn.Edge.Telemetry;

/// <summary>
/// The host's metrics (meter <c>CityFn.Edge</c>), exported at <c>/metrics</c> in Prometheus format as
/// <c>cityfn_edge_requests_total</c>, <c>cityfn_edge_rows_total</c>, <c>cityfn_edge_batch_size</c> (rows per
/// run), <c>cityfn_edge_batch_requests</c> (requests per run), <c>cityfn_edge_queue_time_seconds</c> and
/// <c>cityfn_edge_compute_time_seconds</c> and <c>cityfn_edge_queue_depth</c>, each labelled with the model.
/// </summary>
public sealed class EdgeMetrics : IDisposable
{
    public const string MeterName = "CityFn.Edge";

    private static readonly double[] SecondsBuckets =
        [0.0001, 0.00025, 0.0005, 0.001, 0.002, 0.003, 0.005, 0.0075, 0.01, 0.025, 0.05, 0.1, 0.25, 1];

    private static readonly double[] CountBuckets = [1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 1024, 2048, 4096, 8192];

    private readonly Meter _meter;
    private readonly Counter<long> _requests;
    private readonly Counter<long> _rows;
    private readonly Histogram<double> _batchSize;
    private readonly Histogram<double> _batchRequests;
    private readonly Histogram<double> _queueTime;
    private readonly Histogram<double> _computeTime;

    private static int _hostsInProcess;

    public EdgeMetrics(IMeterFactory meterFactory, string meterName = MeterName)
    {
        ArgumentNullException.ThrowIfNull(meterFactory);
        _meter = meterFactory.Create(meterName);
        _requests = _meter.CreateCounter<long>("cityfn.edge.requests", description: "Inference requests by model and outcome (ok, bad_request, not_found, queue_full, unavailable, error).");
        _rows = _meter.CreateCounter<long>("cityfn.edge.rows", description: "Rows scored, by model.");
        _batchSize = _meter.CreateHistogram("cityfn.edge.batch.size", description: "Rows in each model run after dynamic batching.", advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = CountBuckets });
        _batchRequests = _meter.CreateHistogram("cityfn.edge.batch.requests", description: "Requests coalesced into each model run.", advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = CountBuckets });
        _queueTime = _meter.CreateHistogram("cityfn.edge.queue.time", unit: "s", description: "Time a request waited in the batching queue.", advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = SecondsBuckets });
        _computeTime = _meter.CreateHistogram("cityfn.edge.compute.time", unit: "s", description: "Time ONNX Runtime spent on each batch.", advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = SecondsBuckets });
    }

    /// <summary>
    /// The meter name for the next host in this process: <see cref="MeterName"/> for the first, then
    /// <c>CityFn.Edge.2</c>, <c>.3</c>, … OpenTelemetry selects meters by name across the whole process, so
    /// two hosts in one process (tests, the benchmark) sharing a name would export, and on disposal remove,
    /// each other's series.
    /// </summary>
    public static string ReserveMeterName()
    {
        var index = Interlocked.Increment(ref _hostsInProcess);
        return index == 1 ? MeterName : $"{MeterName}.{index}";
    }

    /// <summary>Publishes <c>cityfn_edge_queue_depth</c>: requests waiting per model, read at each scrape.</summary>
    public void ObserveQueueDepth(Func<IEnumerable<Measurement<long>>> observe) =>
        _meter.CreateObservableGauge("cityfn.edge.queue.depth", observe, description: "Requests waiting for a model run, by model.");

    public void RecordRequest(string model, string outcome) =>
        _requests.Add(1, new KeyValuePair<string, object?>("model", model), new KeyValuePair<string, object?>("outcome", outcome));

    public void RecordQueueTime(string model, TimeSpan waited) =>
        _queueTime.Record(waited.TotalSeconds, new KeyValuePair<string, object?>("model", model));

    public void RecordBatch(string model, long rows, int requests, TimeSpan compute)
    {
        var tag = new KeyValuePair<string, object?>("model", model);
        _rows.Add(rows, tag);
        _batchSize.Record(rows, tag);
        _batchRequests.Record(requests, tag);
        _computeTime.Record(compute.TotalSeconds, tag);
    }

    public void Dispose() => _meter.Dispose();
}
