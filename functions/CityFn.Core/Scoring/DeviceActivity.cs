using Azure;
using Azure.Data.Tables;
using CityFn.Core.Ingest;
using CityFn.Core.Scoring.Outputs;

namespace CityFn.Core.Scoring;

/// <summary>Readings ingest accepted and rejected for a device, with the rejects per reason code.</summary>
public sealed record DeviceReadingCounts(long Accepted, long Rejected, IReadOnlyDictionary<string, long> RejectedByReason);

/// <summary>What <c>GET /api/devices/{address}</c> shows: the registration, the latest quality score and the reading counts.</summary>
public sealed record DeviceDetails(
    string Device,
    string Owner,
    string Kind,
    double Lat,
    double Lon,
    string? Segment,
    long Nonce,
    DateTimeOffset RegisteredAt,
    DeviceQuality? Quality,
    DeviceReadingCounts Readings);

/// <summary>
/// Reads a device's counts from ingest's tables: rejects from IngestRejects (PK device), accepted readings
/// from IngestContributions (PK epoch, RK device|source: a query across epochs, so it scans that table; fine
/// for a device page, not for bulk use).
/// </summary>
public sealed class DeviceActivityReader(TableServiceClient tables)
{
    public async Task<DeviceReadingCounts> ReadAsync(string device, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(device);
        var rejected = new Dictionary<string, long>(StringComparer.Ordinal);
        await foreach (var row in QueryAsync(IngestStorage.RejectsTable, TableClient.CreateQueryFilter($"PartitionKey eq {device}"), cancellationToken))
        {
            var reason = row.GetString("Reason") ?? row.RowKey[(row.RowKey.LastIndexOf('|') + 1)..];
            rejected[reason] = rejected.GetValueOrDefault(reason) + (row.GetInt64("Count") ?? 0);
        }

        long accepted = 0;
        var low = device + "|";
        var high = device + "|~";
        await foreach (var row in QueryAsync(IngestStorage.ContributionsTable, TableClient.CreateQueryFilter($"RowKey ge {low} and RowKey lt {high}"), cancellationToken))
        {
            accepted += row.GetInt64("AcceptedReadings") ?? 0;
        }

        return new DeviceReadingCounts(accepted, rejected.Values.Sum(), rejected);
    }

    private async IAsyncEnumerable<TableEntity> QueryAsync(string table, string filter, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var pages = tables.GetTableClient(table).QueryAsync<TableEntity>(filter, cancellationToken: cancellationToken).AsPages().GetAsyncEnumerator(cancellationToken);
        try
        {
            while (true)
            {
                Page<TableEntity> page;
                try
                {
                    if (!await pages.MoveNextAsync())
                    {
                        yield break;
                    }

                    page = pages.Current;
                }
                catch (RequestFailedException exception) when (exception.Status == 404)
                {
                    yield break;
                }

                foreach (var row in page.Values)
                {
                    yield return row;
                }
            }
        }
        finally
        {
            await pages.DisposeAsync();
        }
    }
}
