using System.Text.Json;
using Azure;
using Azure.Data.Tables;

namespace CityFn.Core.Scoring;

/// <summary>What the store knows of a job: whether it is done, and the compute ledger rows its last run wrote.</summary>
public sealed record ScoringJobState(bool Done, IReadOnlyList<string> ComputeRowKeys, long ComputeEpoch);

/// <summary>
/// Table ScoringJobs (PK first two hex digits of keccak(job id), RK the full hash): a done job is skipped
/// when its message comes again; and before a run writes compute rows to the ledger it lists them here, so a
/// redelivery of a job that crashed half-way can remove rows for hosts the new run no longer uses.
/// </summary>
public sealed class ScoringJobStore(TableServiceClient tables)
{
    private readonly TableClient _table = tables.GetTableClient(ScoringStorage.JobsTable);

    public async Task<ScoringJobState?> FindAsync(string jobId, CancellationToken cancellationToken = default)
    {
        var key = ScoringStorage.JobKey(jobId);
        try
        {
            var found = await _table.GetEntityIfExistsAsync<TableEntity>(key[..2], key, cancellationToken: cancellationToken);
            if (!found.HasValue || found.Value is not { } entity)
            {
                return null;
            }

            var keys = JsonSerializer.Deserialize(entity.GetString("ComputeRowKeys") ?? "[]", ScoringJsonContext.Default.StringArray) ?? [];
            return new ScoringJobState(entity.GetBoolean("Done") ?? false, keys, entity.GetInt64("ComputeEpoch") ?? 0);
        }
        catch (RequestFailedException exception) when (exception.Status == 404)
        {
            return null;
        }
    }

    public Task MarkWritingAsync(string jobId, long epoch, IReadOnlyList<string> computeRowKeys, CancellationToken cancellationToken = default) =>
        SaveAsync(jobId, new ScoringJobState(false, computeRowKeys, epoch), null, cancellationToken);

    public Task MarkDoneAsync(string jobId, long epoch, IReadOnlyList<string> computeRowKeys, ScoreJobResult result, CancellationToken cancellationToken = default) =>
        SaveAsync(jobId, new ScoringJobState(true, computeRowKeys, epoch), result, cancellationToken);

    private async Task SaveAsync(string jobId, ScoringJobState state, ScoreJobResult? result, CancellationToken cancellationToken)
    {
        await _table.CreateIfNotExistsAsync(cancellationToken);
        var key = ScoringStorage.JobKey(jobId);
        var entity = new TableEntity(key[..2], key)
        {
            ["JobId"] = jobId,
            ["Done"] = state.Done,
            ["ComputeEpoch"] = state.ComputeEpoch,
            ["ComputeRowKeys"] = JsonSerializer.Serialize(state.ComputeRowKeys.ToArray(), ScoringJsonContext.Default.StringArray),
        };
        if (result is not null)
        {
            entity["Rows"] = result.Rows;
            entity["Verified"] = result.Verified;
            entity["Mismatches"] = result.Mismatches;
        }

        await _table.UpsertEntityAsync(entity, TableUpdateMode.Replace, cancellationToken);
    }
}
