using CityFn.Core.EdgeHosts;

namespace CityFn.Core.Scoring.Hosts;

/// <summary>
/// Chooses the edge host for a call (docs/scoring.md, "Host choice"). Eligible: the last heartbeat is at most
/// <see cref="ScoringOptions.HeartbeatMaxAge"/> old, the host lists the model, it is not quarantined, not
/// already tried for this call and not cooling down after a failure. Among those the lowest
/// <c>(outstanding + 1) × (mean latency ms + 1)</c> wins: least outstanding requests weighted by observed
/// latency. A host never measured counts as latency 0, so each new host is tried once before its latency
/// decides; ties go to the host with fewer observed calls, then the lower address.
/// </summary>
public sealed class EdgeHostPool(EdgeHostRegistry registry, QuarantineStore quarantines, HostStatistics statistics, ScoringOptions options, TimeProvider timeProvider)
{
    private readonly SemaphoreSlim _refresh = new(1, 1);
    private readonly Lock _lock = new();
    private readonly HashSet<string> _quarantinedHere = new(StringComparer.Ordinal);
    private IReadOnlyList<EdgeHostRecord> _hosts = [];
    private HashSet<string> _quarantined = new(StringComparer.Ordinal);
    private DateTimeOffset _loadedAt = DateTimeOffset.MinValue;

    public HostStatistics Statistics => statistics;

    /// <summary>The best eligible host for <paramref name="model"/>, or null when there is none.</summary>
    public async Task<EdgeHostRecord?> PickAsync(string model, IReadOnlySet<string> excluded, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(excluded);
        await RefreshAsync(cancellationToken);
        var now = timeProvider.GetUtcNow();
        IReadOnlyList<EdgeHostRecord> hosts;
        HashSet<string> quarantined;
        lock (_lock)
        {
            hosts = _hosts;
            quarantined = [.. _quarantined, .. _quarantinedHere];
        }

        return hosts
            .Where(h => now - h.LastHeartbeat <= options.HeartbeatMaxAge
                && h.Models.Contains(model, StringComparer.Ordinal)
                && !quarantined.Contains(h.Address)
                && !excluded.Contains(h.Address)
                && Uri.TryCreate(h.Url, UriKind.Absolute, out _))
            .Select(h => (Host: h, Stats: statistics.Snapshot(h.Address)))
            .Where(h => !h.Stats.CoolingDown)
            .OrderBy(h => (h.Stats.Outstanding + 1) * (h.Stats.LatencyMs + 1))
            .ThenBy(h => h.Stats.Samples)
            .ThenBy(h => h.Host.Address, StringComparer.Ordinal)
            .Select(h => h.Host)
            .FirstOrDefault();
    }

    /// <summary>The delay after which a second, hedged call goes out: the model's observed p95, within bounds.</summary>
    public TimeSpan HedgeDelay(string model)
    {
        var p95 = statistics.P95(model) ?? options.InitialHedgeDelay;
        return TimeSpan.FromTicks(Math.Clamp(p95.Ticks, options.MinHedgeDelay.Ticks, Math.Max(options.MinHedgeDelay.Ticks, options.CallTimeout.Ticks)));
    }

    /// <summary>Stops using the host in this process at once (the quarantine table tells the others).</summary>
    public void Exclude(string host)
    {
        lock (_lock)
        {
            _quarantinedHere.Add(host.ToLowerInvariant());
        }
    }

    private async Task RefreshAsync(CancellationToken cancellationToken)
    {
        if (timeProvider.GetUtcNow() - _loadedAt < options.RegistryRefresh)
        {
            return;
        }

        await _refresh.WaitAsync(cancellationToken);
        try
        {
            if (timeProvider.GetUtcNow() - _loadedAt < options.RegistryRefresh)
            {
                return;
            }

            var hosts = await registry.ListAsync(cancellationToken);
            var quarantined = (await quarantines.ListAsync(cancellationToken)).Select(q => q.Host).ToHashSet(StringComparer.Ordinal);
            lock (_lock)
            {
                _hosts = hosts;
                _quarantined = quarantined;
            }

            _loadedAt = timeProvider.GetUtcNow();
        }
        finally
        {
            _refresh.Release();
        }
    }
}
