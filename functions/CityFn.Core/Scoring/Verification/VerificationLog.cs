using Azure;
using Azure.Data.Tables;

namespace CityFn.Core.Scoring.Verification;

/// <summary>One spot check a host took part in.</summary>
public sealed record HostCheck(string Host, string CheckId, string JobId, string Model, bool Agreed, string Peer, DateTimeOffset At, string? Evidence);

/// <summary>A host's verification record: checks taken, checks failed, the last check.</summary>
public sealed record VerificationRecord(long Checks, long Failed, DateTimeOffset? LastCheck, string? LastEvidence);

/// <summary>
/// Table EdgeHostChecks (PK host, RK check id = job hash, model and chunk): one row per spot check a host
/// took part in, so a redelivered job rewrites its rows instead of counting twice.
/// </summary>
public sealed class VerificationLog(TableServiceClient tables)
{
    private readonly TableClient _table = tables.GetTableClient(ScoringStorage.ChecksTable);

    public async Task RecordAsync(IEnumerable<HostCheck> checks, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(checks);
        var list = checks.ToList();
        if (list.Count == 0)
        {
            return;
        }

        await _table.CreateIfNotExistsAsync(cancellationToken);
        foreach (var check in list)
        {
            await _table.UpsertEntityAsync(new TableEntity(check.Host, check.CheckId)
            {
                ["JobId"] = check.JobId,
                ["Model"] = check.Model,
                ["Agreed"] = check.Agreed,
                ["Peer"] = check.Peer,
                ["At"] = check.At,
                ["Evidence"] = check.Evidence,
            }, TableUpdateMode.Replace, cancellationToken);
        }
    }

    public async Task<VerificationRecord> ReadAsync(string host, CancellationToken cancellationToken = default)
    {
        long checks = 0, failed = 0;
        DateTimeOffset? last = null;
        string? evidence = null;
        try
        {
            await foreach (var entity in _table.QueryAsync<TableEntity>(e => e.PartitionKey == host, cancellationToken: cancellationToken))
            {
                checks++;
                var at = entity.GetDateTimeOffset("At");
                if (entity.GetBoolean("Agreed") != true)
                {
                    failed++;
                    evidence ??= entity.GetString("Evidence");
                }

                if (at > last || last is null)
                {
                    last = at;
                }
            }
        }
        catch (RequestFailedException exception) when (exception.Status == 404)
        {
            // No checks yet.
        }

        return new VerificationRecord(checks, failed, last, evidence);
    }
}
