using Azure.Data.Tables;

namespace CityFn.Core.Ingest;

/// <summary>
/// Writes one capture file's minute partials (table <see cref="IngestStorage.AggregatesTable"/>, PK device,
/// RK <c>yyyyMMddHHmm|source-id</c>) batch by batch, so memory holds the buckets of one batch plus each
/// device's latest minute, not every minute the file covers. The latest minute of a device stays open because
/// the device's next message usually continues it. A bucket at or before a minute already written for its
/// device (a message out of order) is read back and merged when this run wrote it, and replaced when an
/// earlier run of the file did (its <c>Run</c> column differs): either way the stored partial ends up as the
/// whole file's, whatever the batch size, which keeps re-runs identical.
/// </summary>
internal sealed class MinuteAggregateWriter(TableClient table, string sourceId, string run)
{
    private static readonly string[] AllChannels =
        [.. Enum.GetValues<SensorKind>().SelectMany(SensorKinds.Channels).Select(c => c.Name).Distinct(StringComparer.Ordinal)];

    private readonly MinuteAggregator _open = new();

    /// <summary>Per device: the latest minute of a message seen, and the latest minute written.</summary>
    private readonly Dictionary<string, (DateTimeOffset Latest, DateTimeOffset Written)> _devices = new(StringComparer.Ordinal);

    public static string RowKey(DateTimeOffset minute, string sourceId) => $"{minute.UtcDateTime:yyyyMMddHHmm}|{sourceId}";

    public void Add(DeviceMessage message)
    {
        _open.Add(message);
        var minute = Minute(message.WindowEnd);
        var state = _devices.TryGetValue(message.Device, out var known) ? known : (Latest: DateTimeOffset.MinValue, Written: DateTimeOffset.MinValue);
        _devices[message.Device] = (minute > state.Latest ? minute : state.Latest, state.Written);
    }

    /// <summary>Writes every bucket but each device's latest minute; with <paramref name="all"/>, every bucket.</summary>
    public async Task FlushAsync(bool all, int parallelism, CancellationToken cancellationToken)
    {
        var buckets = _open.Take(k => all || k.Minute < _devices[k.Device].Latest);
        if (buckets.Count == 0)
        {
            return;
        }

        var rows = buckets.GroupBy(b => (b.Key.Device, b.Key.Minute)).Select(g => (g.Key.Device, g.Key.Minute, Buckets: g.ToList())).ToList();
        var late = rows.Where(r => r.Minute <= _devices[r.Device].Written).ToList();
        var entities = new List<TableEntity>(rows.Count);
        foreach (var row in rows)
        {
            var entity = new TableEntity(row.Device, RowKey(row.Minute, sourceId)) { ["Run"] = run };
            foreach (var (key, aggregate) in row.Buckets)
            {
                Set(entity, key.Channel, aggregate);
            }

            entities.Add(entity);
        }

        if (late.Count > 0)
        {
            await MergeLateAsync(entities, late.Select(r => (r.Device, RowKey(r.Minute, sourceId))).ToHashSet(), cancellationToken);
        }

        foreach (var row in rows)
        {
            var state = _devices[row.Device];
            _devices[row.Device] = (state.Latest, row.Minute > state.Written ? row.Minute : state.Written);
        }

        await TableWrites.UpsertAllAsync(table, entities, parallelism, cancellationToken);
    }

    /// <summary>The bounds of the minutes a batch's messages touch, for the file manifest (written before the rows).</summary>
    public static (DateTimeOffset First, DateTimeOffset Last) Minutes(DeviceMessage message) => (Minute(message.WindowStart), Minute(message.WindowEnd));

    private async Task MergeLateAsync(List<TableEntity> entities, HashSet<(string, string)> late, CancellationToken cancellationToken)
    {
        foreach (var entity in entities.Where(e => late.Contains((e.PartitionKey, e.RowKey))))
        {
            var stored = await table.GetEntityIfExistsAsync<TableEntity>(entity.PartitionKey, entity.RowKey, cancellationToken: cancellationToken);
            if (!stored.HasValue || stored.Value!.GetString("Run") != run)
            {
                continue;
            }

            foreach (var channel in AllChannels)
            {
                if (Get(stored.Value, channel) is not { } earlier)
                {
                    continue;
                }

                Set(entity, channel, Get(entity, channel) is { } now ? earlier.Merge(now) : earlier);
            }
        }
    }

    private static DateTimeOffset Minute(DateTimeOffset at) => new(at.UtcTicks - (at.UtcTicks % TimeSpan.TicksPerMinute), TimeSpan.Zero);

    private static void Set(TableEntity entity, string channel, MinuteAggregate aggregate)
    {
        entity[$"{channel}_count"] = aggregate.Count;
        entity[$"{channel}_sum"] = aggregate.Sum;
        entity[$"{channel}_min"] = aggregate.Min;
        entity[$"{channel}_max"] = aggregate.Max;
        entity[$"{channel}_last"] = aggregate.Last;
        entity[$"{channel}_lastAt"] = aggregate.LastAt;
    }

    private static MinuteAggregate? Get(TableEntity entity, string channel) =>
        entity.GetInt64($"{channel}_count") is { } count
            ? new MinuteAggregate(
                count, entity.GetDouble($"{channel}_sum")!.Value, entity.GetDouble($"{channel}_min")!.Value,
                entity.GetDouble($"{channel}_max")!.Value, entity.GetDouble($"{channel}_last")!.Value,
                entity.GetDateTimeOffset($"{channel}_lastAt")!.Value)
            : null;
}
