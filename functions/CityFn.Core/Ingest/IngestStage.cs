using System.Globalization;
using System.Text;
using System.Text.Json;
using Azure;
using Azure.Data.Tables;
using Azure.Storage.Blobs;
using Azure.Storage.Queues;
using CityFn.Core.Devices;
using CityFn.Core.Ingest.Capture;
using Microsoft.Extensions.Logging;
using Parquet.Serialization;

namespace CityFn.Core.Ingest;

/// <summary>
/// Ingests one capture blob: decode, verify, validate, dedupe against stored sequence claims, then write
/// every output keyed by the blob's source id so a re-run (duplicate Event Grid delivery, replay, backfill)
/// overwrites instead of duplicating. A file that is not valid Capture Avro is copied to the poison
/// container with its error and nothing else is written for it. The IngestCapture function and
/// `cityfn ingest` both call <see cref="IngestBlobAsync"/>.
/// </summary>
public sealed partial class IngestStage(
    BlobServiceClient blobs, QueueServiceClient queues, TableServiceClient tables,
    DeviceRegistryStore registry, IngestOptions options, ILogger<IngestStage> logger)
{
    public async Task<IngestSummary> IngestBlobAsync(string containerName, string blobName, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(blobName);
        var source = blobs.GetBlobContainerClient(containerName).GetBlobClient(blobName);
        var sourceId = CaptureBlobName.SourceId(blobName);
        var directory = await registry.LoadDirectoryAsync(cancellationToken);
        CaptureBatch batch;
        try
        {
            await using var stream = await source.OpenReadAsync(cancellationToken: cancellationToken);
            batch = await new CaptureProcessor(directory, options).ProcessAsync(stream, blobName, cancellationToken);
        }
        catch (CaptureFormatException exception)
        {
            await PoisonAsync(source, blobName, exception, cancellationToken);
            return new IngestSummary(1, 1, 0, 0, 0, new Dictionary<string, long>(), 0, [$"{blobName}: {exception.Message}"]);
        }

        await SettleSequencesAsync(batch, blobName, cancellationToken);
        var readingsBlob = await WriteReadingsAsync(batch, blobName, sourceId, cancellationToken);
        await WriteDeadLettersAsync(batch, sourceId, cancellationToken);
        await WriteAggregatesAsync(batch, sourceId, cancellationToken);
        await WriteRejectCountsAsync(batch, sourceId, cancellationToken);
        await WriteContributionsAsync(batch, sourceId, cancellationToken);
        var jobs = await EnqueueJobsAsync(batch, sourceId, readingsBlob, cancellationToken);

        var rejected = batch.Rejected.GroupBy(r => r.Reason).ToDictionary(g => g.Key, g => (long)g.Count(), StringComparer.Ordinal);
        LogIngested(blobName, batch.Events, batch.Accepted.Count, batch.Rejected.Count);
        return new IngestSummary(1, 0, batch.Events, batch.Accepted.Count, batch.AcceptedReadings, rejected, jobs, []);
    }

    /// <summary>
    /// A (device, seq) is claimed by the first event accepted with it. A claim by this same blob and event
    /// (a re-run) keeps the message; another claim makes it a duplicate or a reused sequence. New claims are
    /// inserted, never overwritten: when two files race for one claim, the insert that loses sees the
    /// winner's claim and rejects its copy.
    /// </summary>
    private async Task SettleSequencesAsync(CaptureBatch batch, string blobName, CancellationToken cancellationToken)
    {
        var table = await TableAsync(IngestStorage.SequencesTable, cancellationToken);
        var keep = new List<AcceptedMessage>(batch.Accepted.Count);
        foreach (var device in batch.Accepted.GroupBy(a => a.Message.Device))
        {
            var low = SequenceKey(device.Min(a => a.Message.Sequence));
            var high = SequenceKey(device.Max(a => a.Message.Sequence));
            var claims = new Dictionary<string, TableEntity>(StringComparer.Ordinal);
            var filter = TableClient.CreateQueryFilter($"PartitionKey eq {device.Key} and RowKey ge {low} and RowKey le {high}");
            await foreach (var claim in table.QueryAsync<TableEntity>(filter, cancellationToken: cancellationToken))
            {
                claims[claim.RowKey] = claim;
            }

            var pending = new List<(AcceptedMessage Accepted, TableEntity Claim)>();
            foreach (var accepted in device)
            {
                var key = SequenceKey(accepted.Message.Sequence);
                if (!claims.TryGetValue(key, out var claim))
                {
                    pending.Add((accepted, new TableEntity(device.Key, key)
                    {
                        ["Source"] = blobName,
                        ["EventSequenceNumber"] = accepted.EventSequenceNumber,
                        ["BodyHash"] = Convert.ToHexStringLower(accepted.BodyHash),
                    }));
                    keep.Add(accepted);
                }
                else if (IsClaimOf(claim, blobName, accepted))
                {
                    keep.Add(accepted);
                }
                else
                {
                    batch.Rejected.Add(ClaimedElsewhere(blobName, accepted, claim));
                }
            }

            foreach (var chunk in pending.Chunk(100))
            {
                try
                {
                    await table.SubmitTransactionAsync(
                        chunk.Select(p => new TableTransactionAction(TableTransactionActionType.Add, p.Claim)), cancellationToken);
                }
                catch (TableTransactionFailedException)
                {
                    // Another file claimed one of these since the query: settle them one by one.
                    foreach (var (accepted, entity) in chunk)
                    {
                        var winner = await TryClaimAsync(table, entity, cancellationToken);
                        if (winner is null || IsClaimOf(winner, blobName, accepted))
                        {
                            continue;
                        }

                        keep.Remove(accepted);
                        batch.Rejected.Add(ClaimedElsewhere(blobName, accepted, winner));
                    }
                }
            }
        }

        if (keep.Count != batch.Accepted.Count)
        {
            batch.Accepted.Clear();
            batch.Accepted.AddRange(keep);
            batch.Aggregates.Clear();
            keep.ForEach(a => batch.Aggregates.Add(a.Message));
        }
    }

    /// <summary>Inserts the claim; returns null when it was inserted, else the claim that was there first.</summary>
    private static async Task<TableEntity?> TryClaimAsync(TableClient table, TableEntity claim, CancellationToken cancellationToken)
    {
        try
        {
            await table.AddEntityAsync(claim, cancellationToken);
            return null;
        }
        catch (RequestFailedException exception) when (exception.Status == 409)
        {
            return (await table.GetEntityAsync<TableEntity>(claim.PartitionKey, claim.RowKey, cancellationToken: cancellationToken)).Value;
        }
    }

    private static bool IsClaimOf(TableEntity claim, string blobName, AcceptedMessage accepted) =>
        claim.GetString("Source") == blobName && claim.GetInt64("EventSequenceNumber") == accepted.EventSequenceNumber;

    private static RejectedMessage ClaimedElsewhere(string blobName, AcceptedMessage accepted, TableEntity claim)
    {
        var same = claim.GetString("BodyHash") == Convert.ToHexStringLower(accepted.BodyHash);
        return new RejectedMessage(
            blobName, accepted.EventSequenceNumber, accepted.Offset, accepted.Message.Device,
            RejectReasons.Code(same ? RejectReason.DuplicateMessage : RejectReason.SequenceReused),
            $"seq {accepted.Message.Sequence} was already accepted from {claim.GetString("Source")} event {claim.GetInt64("EventSequenceNumber")}",
            accepted.EnqueuedTime, Convert.ToBase64String(accepted.Body));
    }

    private async Task<string?> WriteReadingsAsync(CaptureBatch batch, string blobName, string sourceId, CancellationToken cancellationToken)
    {
        if (batch.Accepted.Count == 0)
        {
            return null;
        }

        var hour = CaptureBlobName.TryParse(blobName, out var name)
            ? name.WindowStart
            : batch.Accepted.Min(a => a.EnqueuedTime);
        var blob = IngestStorage.ReadingsBlobName(sourceId, new DateTimeOffset(hour.UtcDateTime.Date.AddHours(hour.UtcDateTime.Hour), TimeSpan.Zero));
        using var buffer = new MemoryStream();
        await ParquetSerializer.SerializeAsync(batch.Accepted.SelectMany(a => ReadingRow.From(a.Message)), buffer, cancellationToken: cancellationToken);
        buffer.Position = 0;
        var container = await ContainerAsync(IngestStorage.AnalyticsContainer, cancellationToken);
        await container.GetBlobClient(blob).UploadAsync(buffer, overwrite: true, cancellationToken);
        return blob;
    }

    private async Task WriteDeadLettersAsync(CaptureBatch batch, string sourceId, CancellationToken cancellationToken)
    {
        var container = await ContainerAsync(IngestStorage.DeadLetterContainer, cancellationToken);
        var blob = container.GetBlobClient($"{sourceId}.jsonl");
        if (batch.Rejected.Count == 0)
        {
            await blob.DeleteIfExistsAsync(cancellationToken: cancellationToken);
            return;
        }

        var lines = new StringBuilder();
        foreach (var rejected in batch.Rejected.OrderBy(r => r.SequenceNumber))
        {
            lines.Append(JsonSerializer.Serialize(rejected, IngestJsonContext.Default.RejectedMessage)).Append('\n');
        }

        await blob.UploadAsync(BinaryData.FromString(lines.ToString()), overwrite: true, cancellationToken);
    }

    private async Task WriteAggregatesAsync(CaptureBatch batch, string sourceId, CancellationToken cancellationToken)
    {
        var table = await TableAsync(IngestStorage.AggregatesTable, cancellationToken);
        var rows = batch.Aggregates.Buckets
            .GroupBy(b => (b.Key.Device, b.Key.Minute))
            .Select(g =>
            {
                var entity = new TableEntity(g.Key.Device, $"{g.Key.Minute.UtcDateTime:yyyyMMddHHmm}|{sourceId}");
                foreach (var (key, aggregate) in g)
                {
                    entity[$"{key.Channel}_count"] = aggregate.Count;
                    entity[$"{key.Channel}_sum"] = aggregate.Sum;
                    entity[$"{key.Channel}_min"] = aggregate.Min;
                    entity[$"{key.Channel}_max"] = aggregate.Max;
                    entity[$"{key.Channel}_last"] = aggregate.Last;
                    entity[$"{key.Channel}_lastAt"] = aggregate.LastAt;
                }

                return entity;
            });
        await UpsertAllAsync(table, rows, cancellationToken);
    }

    private async Task WriteRejectCountsAsync(CaptureBatch batch, string sourceId, CancellationToken cancellationToken)
    {
        var table = await TableAsync(IngestStorage.RejectsTable, cancellationToken);
        var rows = batch.Rejected
            .GroupBy(r => (Device: r.Device ?? "unknown", r.Reason))
            .Select(g => new TableEntity(g.Key.Device, $"{sourceId}|{g.Key.Reason}") { ["Reason"] = g.Key.Reason, ["Count"] = (long)g.Count() });
        await UpsertAllAsync(table, rows, cancellationToken);
    }

    private async Task WriteContributionsAsync(CaptureBatch batch, string sourceId, CancellationToken cancellationToken)
    {
        var table = await TableAsync(IngestStorage.ContributionsTable, cancellationToken);
        var epochTicks = options.EpochLength.Ticks;
        var accepted = batch.Accepted
            .SelectMany(a => Enumerable.Range(0, a.Message.SampleCount)
                .Select(i => (Epoch: a.Message.SampleTime(i).UtcTicks / epochTicks, a.Message.Device, a.Registration.Owner, a.Message.IntervalSeconds)))
            .GroupBy(x => (x.Epoch, x.Device))
            .ToDictionary(g => g.Key, g => (Count: (long)g.Count(), g.First().Owner, g.First().IntervalSeconds));
        var rejects = batch.Rejected.Where(r => r.Device is not null)
            .GroupBy(r => (Epoch: r.EnqueuedTime.UtcTicks / epochTicks, Device: r.Device!))
            .ToDictionary(g => g.Key, g => g.GroupBy(r => r.Reason).ToDictionary(x => x.Key, x => (long)x.Count(), StringComparer.Ordinal));
        var rows = accepted.Keys.Union(rejects.Keys).Select(key =>
        {
            var (count, owner, interval) = accepted.GetValueOrDefault(key);
            return new TableEntity(key.Epoch.ToString("D12", CultureInfo.InvariantCulture), $"{key.Device}|{sourceId}")
            {
                ["Device"] = key.Device,
                ["Owner"] = owner,
                ["AcceptedReadings"] = count,
                ["ExpectedReadings"] = interval > 0 ? (long)(options.EpochLength.TotalSeconds / interval) : 0L,
                ["Rejects"] = JsonSerializer.Serialize(rejects.GetValueOrDefault(key) ?? [], IngestJsonContext.Default.DictionaryStringInt64),
            };
        });
        await UpsertAllAsync(table, rows, cancellationToken);
    }

    private async Task<int> EnqueueJobsAsync(CaptureBatch batch, string sourceId, string? readingsBlob, CancellationToken cancellationToken)
    {
        if (readingsBlob is null)
        {
            return 0;
        }

        var queue = queues.GetQueueClient(IngestStorage.ScoreJobsQueue);
        var jobs = batch.Accepted.GroupBy(a => a.Message.Kind).Select(g => new ScoreJob(
            $"{sourceId}:{SensorKinds.WireName(g.Key)}", batch.Source, SensorKinds.WireName(g.Key), readingsBlob,
            g.Select(a => a.Message.Device).Distinct().Count(), g.Sum(a => (long)a.Message.SampleCount),
            g.Min(a => a.Message.WindowStart), g.Max(a => a.Message.WindowEnd))).ToList();
        if (jobs.Count == 0)
        {
            return 0;
        }

        await queue.CreateIfNotExistsAsync(cancellationToken: cancellationToken);
        foreach (var job in jobs)
        {
            // Base64 of the UTF-8 JSON: what a Functions QueueTrigger decodes by default.
            var json = JsonSerializer.SerializeToUtf8Bytes(job, IngestJsonContext.Default.ScoreJob);
            await queue.SendMessageAsync(Convert.ToBase64String(json), cancellationToken);
        }

        return jobs.Count;
    }

    private async Task PoisonAsync(BlobClient source, string blobName, CaptureFormatException exception, CancellationToken cancellationToken)
    {
        LogPoisoned(exception, blobName);
        var container = await ContainerAsync(IngestStorage.PoisonContainer, cancellationToken);
        await using (var stream = await source.OpenReadAsync(cancellationToken: cancellationToken))
        {
            await container.GetBlobClient(blobName).UploadAsync(stream, overwrite: true, cancellationToken);
        }

        var error = new StringBuilder()
            .Append("{\"source\":").Append(JsonSerializer.Serialize(blobName, IngestJsonContext.Default.String))
            .Append(",\"error\":").Append(JsonSerializer.Serialize(exception.Message, IngestJsonContext.Default.String)).Append('}');
        await container.GetBlobClient(blobName + ".error.json").UploadAsync(BinaryData.FromString(error.ToString()), overwrite: true, cancellationToken);
    }

    private static async Task UpsertAllAsync(TableClient table, IEnumerable<TableEntity> rows, CancellationToken cancellationToken)
    {
        foreach (var partition in rows.GroupBy(r => r.PartitionKey))
        {
            foreach (var chunk in partition.Chunk(100))
            {
                await table.SubmitTransactionAsync(
                    chunk.Select(e => new TableTransactionAction(TableTransactionActionType.UpsertReplace, e)), cancellationToken);
            }
        }
    }

    private async Task<TableClient> TableAsync(string name, CancellationToken cancellationToken)
    {
        var table = tables.GetTableClient(name);
        await table.CreateIfNotExistsAsync(cancellationToken);
        return table;
    }

    private async Task<BlobContainerClient> ContainerAsync(string name, CancellationToken cancellationToken)
    {
        var container = blobs.GetBlobContainerClient(name);
        await container.CreateIfNotExistsAsync(cancellationToken: cancellationToken);
        return container;
    }

    private static string SequenceKey(long sequence) => sequence.ToString("D19", CultureInfo.InvariantCulture);

    [LoggerMessage(Level = LogLevel.Information, Message = "Ingested {Blob}: {Events} events, {Accepted} accepted, {Rejected} rejected")]
    private partial void LogIngested(string blob, int events, int accepted, int rejected);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Capture blob {Blob} is not valid Capture Avro; copied to the poison container")]
    private partial void LogPoisoned(Exception exception, string blob);
}
