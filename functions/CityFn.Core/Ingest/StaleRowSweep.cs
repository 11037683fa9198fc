using Azure.Data.Tables;
using CityFn.Core.Rewards.Ledger;

namespace CityFn.Core.Ingest;

/// <summary>
/// After a re-run of a capture file: deletes the rows earlier runs of the file wrote that this run did not
/// write again, so the stored state is what ingesting the file's current content once would leave. Per device
/// of the manifest's earlier coverage: minute partials and sequence claims of this file whose <c>Run</c> is not
/// this run's (found by a range query), the device-stats row when the device is gone from the file, and the
/// ledger rows of epochs this run has no readings for (point deletes).
/// </summary>
internal sealed class StaleRowSweep(TableServiceClient tables, string blobName, string sourceId, string run)
{
    public async Task SweepAsync(IngestFileManifest manifest, IngestFileTotals totals, CancellationToken cancellationToken)
    {
        var aggregates = tables.GetTableClient(IngestStorage.AggregatesTable);
        var claims = tables.GetTableClient(IngestStorage.SequencesTable);
        var stats = tables.GetTableClient(IngestStorage.DeviceStatsTable);
        var ledger = tables.GetTableClient(LedgerKeys.TableName);
        foreach (var (device, coverage) in manifest.Earlier)
        {
            if (coverage.MinuteLo <= coverage.MinuteHi)
            {
                var low = MinuteAggregateWriter.RowKey(new DateTimeOffset(coverage.MinuteLo, TimeSpan.Zero), string.Empty);
                var high = MinuteAggregateWriter.RowKey(new DateTimeOffset(coverage.MinuteHi, TimeSpan.Zero), "~");
                var filter = TableClient.CreateQueryFilter($"PartitionKey eq {device} and RowKey ge {low} and RowKey le {high}");
                await DeleteStaleAsync(aggregates, filter, e => e.RowKey.EndsWith("|" + sourceId, StringComparison.Ordinal), cancellationToken);
            }

            if (coverage.SeqLo <= coverage.SeqHi)
            {
                var filter = TableClient.CreateQueryFilter(
                    $"PartitionKey eq {device} and RowKey ge {IngestStage.SequenceKey(coverage.SeqLo)} and RowKey le {IngestStage.SequenceKey(coverage.SeqHi)}");
                await DeleteStaleAsync(claims, filter, e => e.GetString("Source") == blobName, cancellationToken);
            }

            if (!totals.Devices.ContainsKey(device))
            {
                await TableWrites.DeleteAllAsync(stats, [(device, sourceId)], cancellationToken);
            }

            if (coverage.LedgerLo <= coverage.LedgerHi)
            {
                // Only devices with accepted readings have ledger rows (and so an address the ledger key accepts).
                var ledgerEpochs = Epochs(coverage.LedgerLo, coverage.LedgerHi).Where(e => !totals.LedgerSamples.ContainsKey((e, device)));
                var ledgerRow = $"{LedgerKeys.Samples}|{LedgerKeys.Address(device, "device")}|{LedgerKeys.SourceKey(blobName)}";
                await TableWrites.DeleteAllAsync(ledger, ledgerEpochs.Select(e => (LedgerKeys.Partition(e), ledgerRow)), cancellationToken);
            }
        }
    }

    private static IEnumerable<long> Epochs(long low, long high)
    {
        for (var epoch = low; epoch <= high; epoch++)
        {
            yield return epoch;
        }
    }

    private async Task DeleteStaleAsync(TableClient table, string filter, Func<TableEntity, bool> ofThisFile, CancellationToken cancellationToken)
    {
        var stale = new List<(string, string)>();
        try
        {
            await foreach (var row in table.QueryAsync<TableEntity>(filter, cancellationToken: cancellationToken))
            {
                if (ofThisFile(row) && row.GetString("Run") != run)
                {
                    stale.Add((row.PartitionKey, row.RowKey));
                }
            }
        }
        catch (Azure.RequestFailedException exception) when (exception.Status == 404)
        {
            return;
        }

        await TableWrites.DeleteAllAsync(table, stale, cancellationToken);
    }
}
