namespace CityFn.Core.Scoring.Hosts;

/// <summary>
/// What this process has observed of each host and model: requests in flight, an exponentially weighted
/// mean latency per host, a failure cooldown, and the last latencies per model for the hedging p95.
/// In-memory and per process: every Functions instance learns its own view (docs/scoring.md, "Host choice").
/// </summary>
public sealed class HostStatistics(TimeProvider timeProvider)
{
    private const double EwmaWeight = 0.2;
    private const int LatencyWindow = 256;

    /// <summary>Latencies needed before the p95 replaces the initial hedge delay.</summary>
    public const int MinSamplesForP95 = 20;

    private readonly Lock _lock = new();
    private readonly Dictionary<string, HostState> _hosts = new(StringComparer.Ordinal);
    private readonly Dictionary<string, Queue<double>> _latencies = new(StringComparer.Ordinal);

    public void Started(string host)
    {
        lock (_lock)
        {
            State(host).Outstanding++;
        }
    }

    /// <summary>A call ended with an answer after <paramref name="latency"/>.</summary>
    public void Succeeded(string host, string model, TimeSpan latency)
    {
        lock (_lock)
        {
            var state = State(host);
            state.Outstanding--;
            Observe(state, latency);
            var window = _latencies.TryGetValue(model, out var queue) ? queue : _latencies[model] = new Queue<double>();
            window.Enqueue(latency.TotalMilliseconds);
            if (window.Count > LatencyWindow)
            {
                window.Dequeue();
            }
        }
    }

    /// <summary>A call was abandoned because another host answered first: it took at least <paramref name="elapsed"/>.</summary>
    public void Abandoned(string host, TimeSpan elapsed)
    {
        lock (_lock)
        {
            var state = State(host);
            state.Outstanding--;
            Observe(state, elapsed);
        }
    }

    /// <summary>A call to the host was slower than the p95, so a hedged call went to another host.</summary>
    public void HedgedAway(string host)
    {
        lock (_lock)
        {
            State(host).HedgedAway++;
        }
    }

    /// <summary>A call failed: the host is skipped for <paramref name="cooldown"/>.</summary>
    public void Failed(string host, TimeSpan cooldown)
    {
        lock (_lock)
        {
            var state = State(host);
            state.Outstanding--;
            state.Failures++;
            state.CoolUntil = timeProvider.GetUtcNow() + cooldown;
        }
    }

    public HostSnapshot Snapshot(string host)
    {
        lock (_lock)
        {
            var state = State(host);
            return new HostSnapshot(state.Outstanding, state.Samples, state.LatencyMs, state.Failures, state.HedgedAway, state.CoolUntil > timeProvider.GetUtcNow());
        }
    }

    /// <summary>The 95th percentile of the model's recent call latencies, or null with fewer than <see cref="MinSamplesForP95"/>.</summary>
    public TimeSpan? P95(string model)
    {
        lock (_lock)
        {
            if (!_latencies.TryGetValue(model, out var window) || window.Count < MinSamplesForP95)
            {
                return null;
            }

            var sorted = window.Order().ToArray();
            return TimeSpan.FromMilliseconds(sorted[(int)Math.Ceiling(0.95 * sorted.Length) - 1]);
        }
    }

    private static void Observe(HostState state, TimeSpan latency)
    {
        var ms = latency.TotalMilliseconds;
        state.LatencyMs = state.Samples == 0 ? ms : ((1 - EwmaWeight) * state.LatencyMs) + (EwmaWeight * ms);
        state.Samples++;
    }

    private HostState State(string host) => _hosts.TryGetValue(host, out var state) ? state : _hosts[host] = new HostState();

    private sealed class HostState
    {
        public int Outstanding { get; set; }

        public long Samples { get; set; }

        public double LatencyMs { get; set; }

        public long Failures { get; set; }

        public long HedgedAway { get; set; }

        public DateTimeOffset CoolUntil { get; set; }
    }
}

/// <summary>One host's numbers at one moment.</summary>
public readonly record struct HostSnapshot(int Outstanding, long Samples, double LatencyMs, long Failures, long HedgedAway, bool CoolingDown);
