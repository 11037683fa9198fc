using Azure;
using Azure.Data.Tables;

namespace CityFn.Core.Scoring.Hosts;

/// <summary>A host caught by a spot check: why, the evidence blob, and when.</summary>
public sealed record HostQuarantineEntry(string Host, string Reason, string Evidence, DateTimeOffset Since);

/// <summary>
/// Table EdgeHostQuarantine (PK "quarantine", RK host address): hosts caught giving wrong scores. The
/// scoring stage never picks them; an operator re-admits a host by deleting its row (docs/scoring.md).
/// </summary>
public sealed class QuarantineStore(TableServiceClient tables)
{
    private const string Partition = "quarantine";

    private readonly TableClient _table = tables.GetTableClient(ScoringStorage.QuarantineTable);

    public async Task<IReadOnlyList<HostQuarantineEntry>> ListAsync(CancellationToken cancellationToken = default)
    {
        var entries = new List<HostQuarantineEntry>();
        try
        {
            await foreach (var entity in _table.QueryAsync<TableEntity>(e => e.PartitionKey == Partition, cancellationToken: cancellationToken))
            {
                entries.Add(new HostQuarantineEntry(entity.RowKey, entity.GetString("Reason") ?? "", entity.GetString("Evidence") ?? "",
                    entity.GetDateTimeOffset("Since") ?? DateTimeOffset.MinValue));
            }
        }
        catch (RequestFailedException exception) when (exception.Status == 404)
        {
            // No table yet: nobody is quarantined.
        }

        return entries;
    }

    /// <summary>Quarantines the host; an earlier quarantine keeps its first reason, evidence and time, and is what this returns.</summary>
    public async Task<HostQuarantineEntry> AddAsync(HostQuarantineEntry entry, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(entry);
        await _table.CreateIfNotExistsAsync(cancellationToken);
        try
        {
            await _table.AddEntityAsync(new TableEntity(Partition, entry.Host.ToLowerInvariant())
            {
                ["Reason"] = entry.Reason,
                ["Evidence"] = entry.Evidence,
                ["Since"] = entry.Since,
            }, cancellationToken);
            return entry with { Host = entry.Host.ToLowerInvariant() };
        }
        catch (RequestFailedException exception) when (exception.Status == 409)
        {
            var first = (await _table.GetEntityAsync<TableEntity>(Partition, entry.Host.ToLowerInvariant(), cancellationToken: cancellationToken)).Value;
            return new HostQuarantineEntry(first.RowKey, first.GetString("Reason") ?? "", first.GetString("Evidence") ?? "", first.GetDateTimeOffset("Since") ?? entry.Since);
        }
    }
}
