using System.Globalization;
using Azure.Data.Tables;
using CityFn.Core.Ingest;

namespace CityFn.Core.Scoring.Features;

/// <summary>Count and sum of one channel over a span of minutes: enough for a mean.</summary>
public readonly record struct ChannelHistory(long Count, double Sum)
{
    public double? Mean => Count == 0 ? null : Sum / Count;
}

/// <summary>
/// Where features get a device's past minutes that lie outside the job's own capture file.
/// </summary>
public interface IDetectorHistory
{
    /// <summary>The earliest minute (UTC) stored for <paramref name="device"/>, or null when it has none.</summary>
    Task<DateTimeOffset?> FirstMinuteAsync(string device, CancellationToken cancellationToken = default);

    /// <summary>Per device, per minute start (UTC) in [from, to), per channel: count and sum of that minute.</summary>
    Task<IReadOnlyDictionary<string, IReadOnlyDictionary<DateTimeOffset, IReadOnlyDictionary<string, ChannelHistory>>>> ReadMinutesAsync(
        IReadOnlyCollection<string> devices, DateTimeOffset from, DateTimeOffset to, CancellationToken cancellationToken = default);
}

/// <summary>
/// History from ingest's minute aggregates (table IngestMinuteAggregates, PK device, RK minute|source):
/// one range query per device; the per-file partials of a minute add up (count and sum), so files that
/// arrived in any order, or earlier jobs of other capture files, all count.
/// </summary>
public sealed class TableDetectorHistory(TableServiceClient tables) : IDetectorHistory
{
    private const int ParallelQueries = 8;

    public async Task<DateTimeOffset?> FirstMinuteAsync(string device, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(device);
        try
        {
            // Row keys start with the minute, and a partition's rows come in key order: the first row is the earliest.
            await foreach (var entity in tables.GetTableClient(IngestStorage.AggregatesTable)
                .QueryAsync<TableEntity>(TableClient.CreateQueryFilter($"PartitionKey eq {device}"), maxPerPage: 1, select: ["RowKey"], cancellationToken: cancellationToken))
            {
                return new DateTimeOffset(DateTime.ParseExact(entity.RowKey[..12], "yyyyMMddHHmm", CultureInfo.InvariantCulture), TimeSpan.Zero);
            }
        }
        catch (Azure.RequestFailedException exception) when (exception.Status == 404)
        {
            // No aggregates table yet.
        }

        return null;
    }

    public async Task<IReadOnlyDictionary<string, IReadOnlyDictionary<DateTimeOffset, IReadOnlyDictionary<string, ChannelHistory>>>> ReadMinutesAsync(
        IReadOnlyCollection<string> devices, DateTimeOffset from, DateTimeOffset to, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(devices);
        var result = new System.Collections.Concurrent.ConcurrentDictionary<string, IReadOnlyDictionary<DateTimeOffset, IReadOnlyDictionary<string, ChannelHistory>>>(StringComparer.Ordinal);
        if (devices.Count == 0 || to <= from)
        {
            return result;
        }

        var table = tables.GetTableClient(IngestStorage.AggregatesTable);
        var low = from.UtcDateTime.ToString("yyyyMMddHHmm", CultureInfo.InvariantCulture);
        var high = to.UtcDateTime.ToString("yyyyMMddHHmm", CultureInfo.InvariantCulture);
        await Parallel.ForEachAsync(devices, new ParallelOptions { MaxDegreeOfParallelism = ParallelQueries, CancellationToken = cancellationToken }, async (device, token) =>
        {
            var minutes = new Dictionary<DateTimeOffset, IReadOnlyDictionary<string, ChannelHistory>>();
            var filter = TableClient.CreateQueryFilter($"PartitionKey eq {device} and RowKey ge {low} and RowKey lt {high}");
            try
            {
                await foreach (var entity in table.QueryAsync<TableEntity>(filter, cancellationToken: token))
                {
                    var minute = new DateTimeOffset(DateTime.ParseExact(entity.RowKey[..12], "yyyyMMddHHmm", CultureInfo.InvariantCulture), TimeSpan.Zero);
                    var channels = minutes.TryGetValue(minute, out var existing) ? new Dictionary<string, ChannelHistory>(existing, StringComparer.Ordinal) : new Dictionary<string, ChannelHistory>(StringComparer.Ordinal);
                    foreach (var (key, value) in entity)
                    {
                        if (key.EndsWith("_count", StringComparison.Ordinal) && value is long or int)
                        {
                            var channel = key[..^"_count".Length];
                            var count = Convert.ToInt64(value, CultureInfo.InvariantCulture);
                            var sum = entity.GetDouble(channel + "_sum") ?? 0;
                            var previous = channels.GetValueOrDefault(channel);
                            channels[channel] = new ChannelHistory(previous.Count + count, previous.Sum + sum);
                        }
                    }

                    minutes[minute] = channels;
                }
            }
            catch (Azure.RequestFailedException exception) when (exception.Status == 404)
            {
                // No aggregates table yet: no history.
            }

            result[device] = minutes;
        });
        return result;
    }
}
