using System.Collections.Concurrent;
using System.Globalization;
using System.Text;
using System.Text.Json;
using Azure;
using Azure.Data.Tables;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Specialized;
using Azure.Storage.Queues;
using CityFn.Core.Devices;
using CityFn.Core.Ingest.Capture;
using CityFn.Core.Rewards;
using CityFn.Core.Rewards.Ledger;
using CityFn.Core.Storage;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace CityFn.Core.Ingest;

/// <summary>
/// Ingests one capture blob as a stream of batches (<see cref="IngestOptions.BatchMessages"/> events each):
/// decode, verify, validate, settle duplicates against the stored sequence claims, append the batch's
/// readings as one Parquet row group and its rejects to the dead-letter blob, then, after the last batch,
/// write the per-file rows (minute partials, rejects, contributions, device stats), commit the blobs and
/// enqueue the scoring jobs. Every output is keyed by the blob's source id, so a re-run (duplicate Event
/// Grid delivery, replay, backfill) overwrites instead of duplicating. Memory holds one Avro block, one
/// batch and one 4 MB upload block per output blob, plus per-device totals, whatever the file size.
/// A damaged block is skipped to the next sync marker and dead-lettered as <c>corrupt_block</c>; a file
/// whose header cannot be read is copied to the poison container with its error. The IngestCapture
/// function and `cityfn ingest` both call <see cref="IngestBlobAsync"/>.
/// </summary>
public sealed partial class IngestStage(
    BlobServiceClient blobs, QueueServiceClient queues, TableServiceClient tables,
    DeviceRegistryStore registry, EpochLedgerStore ledger, IOptions<RewardsPolicyOptions> rewards, IngestOptions options, ILogger<IngestStage> logger)
{
    /// <summary>Table round trips in flight at once (one per device partition).</summary>
    private const int TableParallelism = 8;

    public async Task<IngestSummary> IngestBlobAsync(string containerName, string blobName, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(blobName);
        var source = blobs.GetBlobContainerClient(containerName).GetBlobClient(blobName);
        var sourceId = CaptureBlobName.SourceId(blobName);
        var run = Guid.NewGuid().ToString("N");
        // Two runs of one blob at once (a duplicate Event Grid delivery during a long run) would each delete the
        // other's rows as stale: the second is refused, and the Functions host retries it later.
        await using var lease = await BlobRunLease.AcquireAsync(
            source, $"Capture blob {blobName} is being ingested by another run (it holds the blob's lease); retry when that run has finished.",
            cancellationToken: cancellationToken);
        var directory = await registry.LoadDirectoryAsync(cancellationToken);
        var totals = new IngestFileTotals(new EpochClock(rewards.Value.EpochLength));
        var sequences = await TableAsync(IngestStorage.SequencesTable, cancellationToken);
        var manifest = await IngestFileManifest.LoadAsync(await TableAsync(IngestStorage.FilesTable, cancellationToken), sourceId, cancellationToken);
        var aggregates = new MinuteAggregateWriter(await TableAsync(IngestStorage.AggregatesTable, cancellationToken), sourceId, run);
        var readings = new ReadingsOutput(this, blobName, sourceId);
        var deadLetters = new DeadLetterOutput(this, sourceId);
        try
        {
            await using var stream = await source.OpenReadAsync(cancellationToken: cancellationToken);
            var processor = new CaptureProcessor(directory, options);
            await foreach (var batch in processor.ProcessAsync(stream, blobName, options.BatchMessages, cancellationToken))
            {
                // The manifest covers a batch's claims and minutes before they are written, so a run that dies
                // half way leaves nothing a later run cannot find and sweep.
                foreach (var accepted in batch.Accepted)
                {
                    var (first, last) = MinuteAggregateWriter.Minutes(accepted.Message);
                    manifest.CoverSequence(accepted.Message.Device, accepted.Message.Sequence);
                    manifest.CoverMinutes(accepted.Message.Device, first, last);
                }

                await manifest.SaveAsync(cancellationToken);
                await SettleSequencesAsync(sequences, batch, blobName, run, cancellationToken);
                await readings.WriteAsync(batch, cancellationToken);
                await deadLetters.WriteAsync(batch, cancellationToken);
                totals.Add(batch);
                foreach (var accepted in batch.Accepted)
                {
                    aggregates.Add(accepted.Message);
                }

                await aggregates.FlushAsync(all: false, TableParallelism, cancellationToken);
            }

            await aggregates.FlushAsync(all: true, TableParallelism, cancellationToken);
        }
        catch (CaptureFormatException exception)
        {
            // Only an unreadable header throws: damaged blocks are skipped and reported as batches go.
            readings.Abandon();
            deadLetters.Abandon();
            await PoisonAsync(source, blobName, exception, cancellationToken);
            return new IngestSummary(1, 1, 0, 0, 0, new Dictionary<string, long>(), 0, [$"{blobName}: {exception.Message}"]);
        }

        foreach (var device in totals.Devices.Keys)
        {
            manifest.CoverDevice(device);
        }

        foreach (var (epoch, device) in totals.LedgerSamples.Keys)
        {
            manifest.CoverLedgerEpoch(device, epoch);
        }

        await manifest.SaveAsync(cancellationToken);
        var readingsBlob = await readings.CompleteAsync(cancellationToken);
        await deadLetters.CompleteAsync(cancellationToken);
        await WriteDeviceStatsAsync(totals, sourceId, cancellationToken);
        await ledger.RecordSamplesAsync(
            totals.LedgerSamples.Select(s => new SampleRecord(s.Key.Epoch, s.Key.Device, blobName, s.Value)), cancellationToken);
        if (manifest.HasEarlierRuns)
        {
            await new StaleRowSweep(tables, blobName, sourceId, run).SweepAsync(manifest, totals, cancellationToken);
            if (manifest.EarlierReadingsBlob is { } earlier && earlier != readingsBlob)
            {
                // Named after the first accepted event when the blob name is not in the Capture layout: a changed file may move it.
                var analytics = await ContainerAsync(IngestStorage.AnalyticsContainer, cancellationToken);
                await analytics.GetBlobClient(earlier).DeleteIfExistsAsync(cancellationToken: cancellationToken);
            }
        }

        await manifest.ReplaceAsync(readingsBlob, cancellationToken);
        var jobs = await EnqueueJobsAsync(totals, blobName, sourceId, readingsBlob, cancellationToken);

        foreach (var damage in totals.Damage)
        {
            LogDamaged(blobName, damage);
        }

        LogIngested(blobName, totals.Events, totals.AcceptedMessages, totals.Rejected.Values.Sum());
        return new IngestSummary(
            1, 0, totals.Events + totals.LostEvents, totals.AcceptedMessages, totals.AcceptedReadings,
            new Dictionary<string, long>(totals.Rejected.Where(r => r.Value > 0), StringComparer.Ordinal), jobs, totals.Damage);
    }

    /// <summary>
    /// A (device, seq) is claimed by the first event accepted with it. A claim by an earlier run of this same
    /// blob (a re-run, also of a changed file) is taken over; another claim makes it a duplicate or a reused
    /// sequence, including a claim this run made in an earlier batch. Claims are inserted, never overwritten: when two files race
    /// for one claim, the insert that loses sees the winner's claim and rejects its copy. The first try per
    /// device is a plain insert (one round trip when nothing is claimed yet, the usual case); only when it
    /// conflicts are the stored claims read and compared.
    /// </summary>
    private async Task SettleSequencesAsync(TableClient table, CaptureBatch batch, string blobName, string run, CancellationToken cancellationToken)
    {
        if (batch.Accepted.Count == 0)
        {
            return;
        }

        var refused = new ConcurrentBag<(AcceptedMessage Accepted, RejectedMessage Rejected)>();
        var devices = batch.Accepted.GroupBy(a => a.Message.Device, StringComparer.Ordinal).ToList();
        await Parallel.ForEachAsync(
            devices, new ParallelOptions { MaxDegreeOfParallelism = TableParallelism, CancellationToken = cancellationToken },
            async (device, token) =>
            {
                foreach (var chunk in device.Chunk(100))
                {
                    foreach (var rejection in await SettleChunkAsync(table, device.Key, chunk, blobName, run, token))
                    {
                        refused.Add(rejection);
                    }
                }
            });

        if (!refused.IsEmpty)
        {
            var drop = refused.Select(r => r.Accepted).ToHashSet();
            batch.Drop(drop);
            batch.Rejected.AddRange(refused.Select(r => r.Rejected).OrderBy(r => r.SequenceNumber));
        }
    }

    private static async Task<List<(AcceptedMessage, RejectedMessage)>> SettleChunkAsync(
        TableClient table, string device, AcceptedMessage[] chunk, string blobName, string run, CancellationToken cancellationToken)
    {
        var claims = chunk.Select(a => new TableEntity(device, SequenceKey(a.Message.Sequence))
        {
            ["Source"] = blobName,
            ["EventSequenceNumber"] = a.EventSequenceNumber,
            ["BodyHash"] = Convert.ToHexStringLower(a.BodyHash),
            ["Run"] = run,
        }).ToList();
        var refused = new List<(AcceptedMessage, RejectedMessage)>();
        try
        {
            await table.SubmitTransactionAsync(claims.Select(c => new TableTransactionAction(TableTransactionActionType.Add, c)), cancellationToken);
            return refused;
        }
        catch (TableTransactionFailedException)
        {
            // Some are claimed already (a re-run, a duplicate, or a file racing this one): settle one by one.
        }

        var low = claims.Min(c => c.RowKey);
        var high = claims.Max(c => c.RowKey);
        var stored = new Dictionary<string, TableEntity>(StringComparer.Ordinal);
        var filter = TableClient.CreateQueryFilter($"PartitionKey eq {device} and RowKey ge {low} and RowKey le {high}");
        await foreach (var claim in table.QueryAsync<TableEntity>(filter, cancellationToken: cancellationToken))
        {
            stored[claim.RowKey] = claim;
        }

        for (var i = 0; i < chunk.Length; i++)
        {
            var winner = stored.TryGetValue(claims[i].RowKey, out var existing) ? existing : await TryClaimAsync(table, claims[i], cancellationToken);
            if (winner is not null && IsEarlierRunOf(winner, blobName, run))
            {
                // An earlier run of this same blob claimed it: the claim is this file's, taken over by this run
                // (the ETag makes a concurrent change of the claim fail loudly instead of being overwritten).
                await table.UpdateEntityAsync(claims[i], winner.ETag, TableUpdateMode.Replace, cancellationToken);
                winner = null;
            }

            if (winner is not null)
            {
                refused.Add((chunk[i], ClaimedElsewhere(blobName, chunk[i], winner)));
            }
        }

        return refused;
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

    /// <summary>A claim this blob made in an earlier run; one made by this run is an earlier duplicate in the file.</summary>
    private static bool IsEarlierRunOf(TableEntity claim, string blobName, string run) =>
        claim.GetString("Source") == blobName && claim.GetString("Run") != run;

    private static RejectedMessage ClaimedElsewhere(string blobName, AcceptedMessage accepted, TableEntity claim)
    {
        var same = claim.GetString("BodyHash") == Convert.ToHexStringLower(accepted.BodyHash);
        var where = claim.GetString("Source") == blobName ? "earlier in this file" : $"from {claim.GetString("Source")}";
        return new RejectedMessage(
            blobName, accepted.EventSequenceNumber, accepted.Offset, accepted.Message.Device,
            RejectReasons.Code(same ? RejectReason.DuplicateMessage : RejectReason.SequenceReused),
            $"seq {accepted.Message.Sequence} was already accepted {where} (event {claim.GetInt64("EventSequenceNumber")})",
            accepted.EnqueuedTime, Convert.ToBase64String(accepted.Body));
    }

    private async Task WriteDeviceStatsAsync(IngestFileTotals totals, string sourceId, CancellationToken cancellationToken)
    {
        var table = await TableAsync(IngestStorage.DeviceStatsTable, cancellationToken);
        var rows = totals.Devices.Select(d =>
            DeviceIngestStatsStore.Row(d.Key, sourceId, d.Value.AcceptedMessages, d.Value.AcceptedReadings, d.Value.Rejected));
        await UpsertAllAsync(table, rows, cancellationToken);
    }

    private async Task<int> EnqueueJobsAsync(IngestFileTotals totals, string blobName, string sourceId, string? readingsBlob, CancellationToken cancellationToken)
    {
        if (readingsBlob is null || totals.Jobs.Count == 0)
        {
            return 0;
        }

        var queue = queues.GetQueueClient(IngestStorage.ScoreJobsQueue);
        await queue.CreateIfNotExistsAsync(cancellationToken: cancellationToken);
        foreach (var (kind, counts) in totals.Jobs.OrderBy(j => j.Key))
        {
            var job = new ScoreJob(
                $"{sourceId}:{SensorKinds.WireName(kind)}", blobName, SensorKinds.WireName(kind), readingsBlob,
                counts.Devices.Count, counts.Readings, counts.WindowStart, counts.WindowEnd);

            // Base64 of the UTF-8 JSON: what a Functions QueueTrigger decodes by default.
            var json = JsonSerializer.SerializeToUtf8Bytes(job, IngestJsonContext.Default.ScoreJob);
            await queue.SendMessageAsync(Convert.ToBase64String(json), cancellationToken);
        }

        return totals.Jobs.Count;
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

    private static Task UpsertAllAsync(TableClient table, IEnumerable<TableEntity> rows, CancellationToken cancellationToken) =>
        TableWrites.UpsertAllAsync(table, rows, TableParallelism, cancellationToken);

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

    internal static string SequenceKey(long sequence) => sequence.ToString("D19", CultureInfo.InvariantCulture);

    [LoggerMessage(Level = LogLevel.Information, Message = "Ingested {Blob}: {Events} events, {Accepted} accepted, {Rejected} rejected")]
    private partial void LogIngested(string blob, long events, long accepted, long rejected);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Capture blob {Blob} is not valid Capture Avro; copied to the poison container")]
    private partial void LogPoisoned(Exception exception, string blob);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Capture blob {Blob} has a damaged block, skipped and dead-lettered: {Damage}")]
    private partial void LogDamaged(string blob, string damage);

    /// <summary>
    /// analytics/readings/date=…/hour=…/&lt;source-id&gt;.parquet, one row group per batch with accepted
    /// messages. The hour comes from the capture blob name, else from the first accepted event.
    /// </summary>
    private sealed class ReadingsOutput(IngestStage stage, string blobName, string sourceId)
    {
        private BlockBlobOutput? _output;
        private ReadingsParquetWriter? _writer;
        private string? _name;

        public async Task WriteAsync(CaptureBatch batch, CancellationToken cancellationToken)
        {
            if (batch.Accepted.Count == 0)
            {
                return;
            }

            if (_writer is null)
            {
                _name = Name(batch.Accepted[0].EnqueuedTime);
                var container = await stage.ContainerAsync(IngestStorage.AnalyticsContainer, cancellationToken);
                _output = new BlockBlobOutput(container.GetBlockBlobClient(_name));
                _writer = await ReadingsParquetWriter.CreateAsync(_output, cancellationToken);
            }

            await _writer.WriteRowGroupAsync(batch.Accepted.ConvertAll(a => a.Message), cancellationToken);
        }

        /// <summary>Commits the file and returns its name; with nothing accepted, removes what an earlier run wrote.</summary>
        public async Task<string?> CompleteAsync(CancellationToken cancellationToken)
        {
            if (_writer is null)
            {
                if (CaptureBlobName.TryParse(blobName, out var name))
                {
                    var container = await stage.ContainerAsync(IngestStorage.AnalyticsContainer, cancellationToken);
                    await container.GetBlobClient(Name(name.WindowStart)).DeleteIfExistsAsync(cancellationToken: cancellationToken);
                }

                return null;
            }

            await _writer.CompleteAsync();
            await _output!.CommitAsync(cancellationToken);
            await _output.DisposeAsync();
            return _name;
        }

        public void Abandon() => _output?.Dispose();

        private string Name(DateTimeOffset firstAccepted)
        {
            var time = (CaptureBlobName.TryParse(blobName, out var name) ? name.WindowStart : firstAccepted).UtcDateTime;
            return IngestStorage.ReadingsBlobName(sourceId, new DateTimeOffset(time.Date.AddHours(time.Hour), TimeSpan.Zero));
        }
    }

    /// <summary>deadletter/&lt;source-id&gt;.jsonl, appended batch by batch; removed when a run rejects nothing.</summary>
    private sealed class DeadLetterOutput(IngestStage stage, string sourceId)
    {
        private BlockBlobOutput? _output;
        public async Task WriteAsync(CaptureBatch batch, CancellationToken cancellationToken)
        {
            if (batch.Rejected.Count == 0)
            {
                return;
            }

            if (_output is null)
            {
                var container = await stage.ContainerAsync(IngestStorage.DeadLetterContainer, cancellationToken);
                _output = new BlockBlobOutput(container.GetBlockBlobClient($"{sourceId}.jsonl"));
            }

            foreach (var rejected in batch.Rejected.OrderBy(r => r.SequenceNumber))
            {
                await _output.WriteAsync(JsonSerializer.SerializeToUtf8Bytes(rejected, IngestJsonContext.Default.RejectedMessage), cancellationToken);
                await _output.WriteAsync("\n"u8.ToArray(), cancellationToken);
            }
        }

        public async Task CompleteAsync(CancellationToken cancellationToken)
        {
            if (_output is null)
            {
                var container = await stage.ContainerAsync(IngestStorage.DeadLetterContainer, cancellationToken);
                await container.GetBlobClient($"{sourceId}.jsonl").DeleteIfExistsAsync(cancellationToken: cancellationToken);
                return;
            }

            await _output.CommitAsync(cancellationToken);
            await _output.DisposeAsync();
        }

        public void Abandon() => _output?.Dispose();
    }
}
