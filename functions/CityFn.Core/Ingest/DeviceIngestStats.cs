using Azure;
using Azure.Data.Tables;

namespace CityFn.Core.Ingest;

/// <summary>
/// What ingest did with one device's messages, summed over every capture file: accepted messages and
/// readings, and rejected messages per reason code (docs/wire-format.md). Shown by GET /api/devices/{address}.
/// </summary>
public sealed record DeviceIngestStats(long AcceptedMessages, long AcceptedReadings, long RejectedMessages, IReadOnlyDictionary<string, long> Rejected, int Files)
{
    public static DeviceIngestStats None { get; } = new(0, 0, 0, new Dictionary<string, long>(), 0);
}

/// <summary>
/// Table <see cref="IngestStorage.DeviceStatsTable"/>: PK device, RK the capture file's source id; columns
/// AcceptedMessages, AcceptedReadings and one <c>rejected_&lt;code&gt;</c> column per reason. The ingest stage
/// replaces a file's row on every run, so re-runs never double count; the reader sums the rows.
/// </summary>
public sealed class DeviceIngestStatsStore(TableServiceClient tables)
{
    private const string RejectedPrefix = "rejected_";

    /// <summary>One row per device for one file; replaces what an earlier run of the same file wrote.</summary>
    public static TableEntity Row(string device, string sourceId, long acceptedMessages, long acceptedReadings, IReadOnlyDictionary<string, long> rejected)
    {
        ArgumentNullException.ThrowIfNull(rejected);
        var entity = new TableEntity(device, sourceId)
        {
            ["AcceptedMessages"] = acceptedMessages,
            ["AcceptedReadings"] = acceptedReadings,
        };
        foreach (var (code, count) in rejected)
        {
            entity[RejectedPrefix + code] = count;
        }

        return entity;
    }

    public async Task<DeviceIngestStats> ReadAsync(string device, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(device);
        long accepted = 0, readings = 0;
        var files = 0;
        var rejected = new SortedDictionary<string, long>(StringComparer.Ordinal);
        var table = tables.GetTableClient(IngestStorage.DeviceStatsTable);
        try
        {
            await foreach (var row in table.QueryAsync<TableEntity>(TableClient.CreateQueryFilter($"PartitionKey eq {device}"), cancellationToken: cancellationToken))
            {
                files++;
                accepted += row.GetInt64("AcceptedMessages") ?? 0;
                readings += row.GetInt64("AcceptedReadings") ?? 0;
                foreach (var (key, value) in row)
                {
                    if (key.StartsWith(RejectedPrefix, StringComparison.Ordinal) && value is long count)
                    {
                        rejected[key[RejectedPrefix.Length..]] = rejected.GetValueOrDefault(key[RejectedPrefix.Length..]) + count;
                    }
                }
            }
        }
        catch (RequestFailedException exception) when (exception.Status == 404)
        {
            // No capture file was ingested yet: the table does not exist.
            return DeviceIngestStats.None;
        }

        return new DeviceIngestStats(accepted, readings, rejected.Values.Sum(), new Dictionary<string, long>(rejected, StringComparer.Ordinal), files);
    }
}
