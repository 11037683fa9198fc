using Azure.Data.Tables;

namespace CityFn.Core.Ingest;

/// <summary>Reads a device's 1-minute bucket by merging the partials every capture file stored for it.</summary>
public sealed class MinuteAggregateReader(TableServiceClient tables)
{
    public async Task<MinuteAggregate?> ReadAsync(string device, DateTimeOffset minute, string channel, CancellationToken cancellationToken = default)
    {
        var prefix = $"{minute.UtcDateTime:yyyyMMddHHmm}|";
        var table = tables.GetTableClient(IngestStorage.AggregatesTable);
        var filter = TableClient.CreateQueryFilter($"PartitionKey eq {device} and RowKey ge {prefix} and RowKey lt {prefix + "~"}");
        MinuteAggregate? merged = null;
        await foreach (var entity in table.QueryAsync<TableEntity>(filter, cancellationToken: cancellationToken))
        {
            if (entity.GetInt64($"{channel}_count") is not { } count)
            {
                continue;
            }

            var partial = new MinuteAggregate(
                count, entity.GetDouble($"{channel}_sum")!.Value, entity.GetDouble($"{channel}_min")!.Value,
                entity.GetDouble($"{channel}_max")!.Value, entity.GetDouble($"{channel}_last")!.Value,
                entity.GetDateTimeOffset($"{channel}_lastAt")!.Value);
            merged = merged is null ? partial : merged.Merge(partial);
        }

        return merged;
    }
}
