using Azure;
using Azure.Data.Tables;

namespace CityFn.Core.Ingest;

/// <summary>Batched table writes of the ingest stage.</summary>
internal static class TableWrites
{
    /// <summary>Replace-upserts rows, one entity group transaction per partition and 100 rows, several partitions at once.</summary>
    public static async Task UpsertAllAsync(TableClient table, IEnumerable<TableEntity> rows, int parallelism, CancellationToken cancellationToken)
    {
        var transactions = rows.GroupBy(r => r.PartitionKey, StringComparer.Ordinal).SelectMany(p => p.Chunk(100));
        await Parallel.ForEachAsync(
            transactions, new ParallelOptions { MaxDegreeOfParallelism = parallelism, CancellationToken = cancellationToken },
            async (chunk, token) => await table.SubmitTransactionAsync(
                chunk.Select(e => new TableTransactionAction(TableTransactionActionType.UpsertReplace, e)), token));
    }

    /// <summary>Deletes rows by key, one transaction per partition and 100 rows; rows already gone are fine.</summary>
    public static async Task DeleteAllAsync(TableClient table, IEnumerable<(string PartitionKey, string RowKey)> keys, CancellationToken cancellationToken)
    {
        foreach (var partition in keys.Distinct().GroupBy(k => k.PartitionKey, StringComparer.Ordinal))
        {
            foreach (var chunk in partition.Chunk(100))
            {
                try
                {
                    await table.SubmitTransactionAsync(
                        chunk.Select(k => new TableTransactionAction(TableTransactionActionType.Delete, new TableEntity(k.PartitionKey, k.RowKey), ETag.All)),
                        cancellationToken);
                }
                catch (TableTransactionFailedException)
                {
                    // One of them does not exist (a transaction fails whole): delete one by one, ignoring those.
                    foreach (var (pk, rk) in chunk)
                    {
                        await DeleteIfExistsAsync(table, pk, rk, cancellationToken);
                    }
                }
            }
        }
    }

    private static async Task DeleteIfExistsAsync(TableClient table, string partitionKey, string rowKey, CancellationToken cancellationToken)
    {
        try
        {
            await table.DeleteEntityAsync(partitionKey, rowKey, ETag.All, cancellationToken);
        }
        catch (RequestFailedException exception) when (exception.Status == 404)
        {
            // Already gone.
        }
    }
}
