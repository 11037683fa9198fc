using CityFn.Core.EdgeHosts;
using CityFn.Core.Scoring.Hosts;
using CityFn.Core.Scoring.Verification;

namespace CityFn.Core.Scoring;

/// <summary>The registry's hosts with their quarantine and verification record, for <c>GET /api/edge-hosts</c>.</summary>
public sealed class EdgeHostStatusReader(EdgeHostRegistry registry, QuarantineStore quarantines, VerificationLog checks)
{
    /// <summary>Status is "quarantined" for a host caught by a spot check, else the registry's "active" or "silent".</summary>
    public async Task<IReadOnlyList<EdgeHostStatus>> ListAsync(CancellationToken cancellationToken = default)
    {
        var hosts = await registry.ListAsync(cancellationToken);
        var quarantined = (await quarantines.ListAsync(cancellationToken)).ToDictionary(q => q.Host, StringComparer.Ordinal);
        var result = new List<EdgeHostStatus>(hosts.Count);
        foreach (var host in hosts.OrderBy(h => h.Address, StringComparer.Ordinal))
        {
            var record = await checks.ReadAsync(host.Address, cancellationToken);
            var quarantine = quarantined.GetValueOrDefault(host.Address);
            result.Add(new EdgeHostStatus(
                host.Address, host.Url, host.Models, host.Capacity, host.RegisteredAt, host.LastHeartbeat,
                quarantine is null ? host.Status : "quarantined",
                record.Checks, record.Failed, record.LastCheck, quarantine?.Reason, quarantine?.Evidence, quarantine?.Since));
        }

        return result;
    }
}
