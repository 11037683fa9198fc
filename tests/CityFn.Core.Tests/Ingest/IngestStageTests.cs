using System.Text;
using System.Text.Json;
using Azure.Data.Tables;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Specialized;
using Azure.Storage.Queues;
using CityFn.Core.Devices;
using CityFn.Core.Ingest;
using CityFn.Core.Ingest.Capture;
using CityFn.Core.Rewards;
using CityFn.Core.Rewards.Ledger;
using CityFn.Core.Storage;
using CityFn.TestSupport;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Parquet;
using Parquet.Serialization;

namespace CityFn.Core.Tests.Ingest;

[Collection(AzuriteCollection.Name)]
public sealed class IngestStageTests(AzuriteFixture azurite) : IAsyncLifetime
{
    private readonly BlobServiceClient _blobs = new(azurite.ConnectionString);
    private readonly QueueServiceClient _queues = new(azurite.ConnectionString);
    private readonly TableServiceClient _tables = new(azurite.ConnectionString);
    private readonly DeviceKey _traffic = DeviceKey.Generate();
    private readonly DeviceKey _noise = DeviceKey.Generate();
    private readonly string _namespace = "ns" + Guid.NewGuid().ToString("N")[..8];

    public async Task InitializeAsync()
    {
        var registry = new DeviceRegistryStore(_tables);
        await registry.SaveAsync(TestMessages.Registration(_traffic));
        await registry.SaveAsync(TestMessages.Registration(_noise, SensorKind.Noise));
        await _blobs.GetBlobContainerClient(IngestStorage.CaptureContainer).CreateIfNotExistsAsync();
    }

    public Task DisposeAsync() => Task.CompletedTask;

    [Fact]
    public async Task Valid_messages_are_all_accepted_written_to_Parquet_and_enqueued_as_scoring_jobs()
    {
        var messages = Enumerable.Range(1, 20).Select(i => TestMessages.Message(_traffic, sequence: i, samples: 30))
            .Concat(Enumerable.Range(1, 5).Select(i => TestMessages.Message(_noise, sequence: i, kind: SensorKind.Noise, samples: 30)))
            .ToList();
        var blobName = await UploadAsync(messages.Select((m, i) => TestMessages.SignedEvent(m.Device == _traffic.Address ? _traffic : _noise, m, i)));

        var summary = await Stage().IngestBlobAsync(IngestStorage.CaptureContainer, blobName);

        Assert.Equal(25, summary.Messages);
        Assert.Equal(25, summary.Accepted);
        Assert.Equal(25 * 30, summary.Readings);
        Assert.Empty(summary.Rejected);
        Assert.Equal(2, summary.Jobs);

        var rows = await ReadParquetAsync(blobName);
        Assert.Equal(25 * 30, rows.Count);
        var first = messages[0];
        var row = rows.Single(r => r.Device == _traffic.Address && r.Sequence == 1 && r.Time == first.SampleTime(4).UtcDateTime);
        Assert.Equal(first.Samples[2][4], row.SpeedKmh);
        Assert.Equal("NL-AMS-A10-042", row.Segment);
        Assert.Null(row.LaeqDba);

        // The contribution record for rewards: one ledger samples row for the device, epoch and blob.
        var ledgerRowKey = $"{LedgerKeys.Samples}|{_traffic.Address}|{LedgerKeys.SourceKey(blobName)}";
        var ledgerRows = new List<TableEntity>();
        await foreach (var e in _tables.GetTableClient(LedgerKeys.TableName).QueryAsync<TableEntity>(e => e.RowKey == ledgerRowKey))
        {
            ledgerRows.Add(e);
        }

        var ledgerRow = Assert.Single(ledgerRows);
        Assert.Equal(LedgerKeys.Partition(new EpochClock(TimeSpan.FromHours(1)).EpochOf(first.WindowStart)), ledgerRow.PartitionKey);
        Assert.Equal(20 * 30, ledgerRow.GetInt64("AcceptedSamples"));

        var jobs = await ReceiveJobsAsync();
        var trafficJob = Assert.Single(jobs, j => j.Kind == "traffic" && j.Source == blobName);
        Assert.Equal(20 * 30, trafficJob.Readings);
        Assert.Equal(1, trafficJob.Devices);
    }

    [Fact]
    public async Task Each_crafted_bad_message_lands_in_the_dead_letter_with_its_reason_and_is_counted()
    {
        var stranger = DeviceKey.Generate();
        var good = TestMessages.Message(_traffic, sequence: 100);
        var goodBody = DeviceMessageJson.Serialize(good);
        var tooFast = TestMessages.Message(_traffic, sequence: 104);
        tooFast.Samples[2][0] = 999;
        var reused = TestMessages.Message(_traffic, sequence: 100, samples: 10);
        var events = new List<CaptureEvent>
        {
            TestMessages.SignedEvent(_traffic, good, 1),
            TestMessages.Event(2, "{nope"u8.ToArray(), "0x00"),
            TestMessages.Event(3, """{"v":9}"""u8.ToArray(), "0x00"),
            TestMessages.Event(4, DeviceMessageJson.Serialize(TestMessages.Message(_traffic, sequence: 101)), null),
            TestMessages.Event(5, DeviceMessageJson.Serialize(TestMessages.Message(_traffic, sequence: 102)), "0xdead"),
            TestMessages.Event(6, DeviceMessageJson.Serialize(TestMessages.Message(_traffic, sequence: 103)), Hex(stranger.Sign(DeviceMessageJson.Serialize(TestMessages.Message(_traffic, sequence: 103))))),
            TestMessages.SignedEvent(stranger, TestMessages.Message(stranger, sequence: 1), 7),
            TestMessages.SignedEvent(_traffic, TestMessages.Message(_traffic, sequence: 105, kind: SensorKind.Air), 8),
            TestMessages.SignedEvent(_traffic, tooFast, 9),
            TestMessages.SignedEvent(_traffic, TestMessages.Message(_traffic, sequence: 106, windowStart: TestMessages.Enqueued.AddMinutes(10)), 10),
            TestMessages.SignedEvent(_traffic, TestMessages.Message(_traffic, sequence: 107, windowStart: TestMessages.Enqueued.AddDays(-1)), 11),
            TestMessages.Event(12, goodBody, Hex(_traffic.Sign(goodBody))),
            TestMessages.SignedEvent(_traffic, reused, 13),
        };
        var blobName = await UploadAsync(events);

        var summary = await Stage().IngestBlobAsync(IngestStorage.CaptureContainer, blobName);

        Assert.Equal(1, summary.Accepted);
        var expected = RejectReasons.All.Where(r => r != RejectReason.CorruptBlock).Select(RejectReasons.Code).Order().ToList();
        Assert.Equal(expected, summary.Rejected.Keys.Order().ToList());
        Assert.All(summary.Rejected.Values, count => Assert.Equal(1, count));

        var deadLetters = await ReadDeadLettersAsync(blobName);
        Assert.Equal(12, deadLetters.Count);
        var malformed = deadLetters.Single(d => d.GetProperty("reason").GetString() == "malformed_body");
        Assert.Equal(blobName, malformed.GetProperty("source").GetString());
        Assert.Equal(2000.ToString(System.Globalization.CultureInfo.InvariantCulture), malformed.GetProperty("offset").GetString());
        Assert.Equal("{nope", Encoding.UTF8.GetString(Convert.FromBase64String(malformed.GetProperty("bodyBase64").GetString()!)));

        var counts = await RejectCountsAsync(_traffic.Address);
        Assert.Equal(1, counts["kind_mismatch"]);
        Assert.Equal(1, counts["sequence_reused"]);
        Assert.Equal(1, counts["duplicate_message"]);

        var stats = await new DeviceIngestStatsStore(_tables).ReadAsync(_traffic.Address);
        Assert.Equal(1, stats.AcceptedMessages);
        Assert.Equal(60, stats.AcceptedReadings);
        Assert.Equal(1, stats.Rejected["sequence_reused"]);
        Assert.Equal(1, stats.Rejected["kind_mismatch"]);
    }

    [Fact]
    public async Task A_message_seen_in_an_earlier_file_is_a_duplicate_but_re_running_a_file_changes_nothing()
    {
        var message = TestMessages.Message(_traffic, sequence: 500);
        var first = await UploadAsync([TestMessages.SignedEvent(_traffic, message, 1)], second: 0);
        var second = await UploadAsync([TestMessages.SignedEvent(_traffic, message, 9), TestMessages.SignedEvent(_traffic, TestMessages.Message(_traffic, sequence: 501), 10)], second: 1);
        var stage = Stage();

        var once = await stage.IngestBlobAsync(IngestStorage.CaptureContainer, first);
        var other = await stage.IngestBlobAsync(IngestStorage.CaptureContainer, second);
        var stateAfterBoth = await SnapshotAsync(first, second);
        var again = await stage.IngestBlobAsync(IngestStorage.CaptureContainer, first);
        var otherAgain = await stage.IngestBlobAsync(IngestStorage.CaptureContainer, second);

        Assert.Equal(1, once.Accepted);
        Assert.Equal(1, other.Accepted);
        Assert.Equal(1, other.Rejected["duplicate_message"]);
        Assert.Equivalent(once, again);
        Assert.Equivalent(other, otherAgain);
        Assert.Equal(stateAfterBoth, await SnapshotAsync(first, second));
    }

    [Fact]
    public async Task Re_running_a_changed_file_leaves_the_state_a_first_run_of_its_new_content_leaves()
    {
        // The same capture blob name, first with six messages over two epochs and a forged one, then with two
        // messages of the second epoch only (a repaired or replaced file). A second device gets the new
        // content alone under another name: the two must end in the same rows, device and name aside.
        var changed = DeviceKey.Generate();
        var fresh = DeviceKey.Generate();
        var registry = new DeviceRegistryStore(_tables);
        await registry.SaveAsync(TestMessages.Registration(changed));
        await registry.SaveAsync(TestMessages.Registration(fresh));
        List<CaptureEvent> Version(DeviceKey key, params int[] sequences) =>
            [.. sequences.Select(i => TestMessages.SignedEvent(key, TestMessages.Message(key, sequence: i, samples: 60, windowStart: TestMessages.Enqueued.AddMinutes(-105 + (15 * i))), i))];
        var firstVersion = Version(changed, 0, 1, 2, 3, 4, 5);
        firstVersion.Add(TestMessages.Event(9, DeviceMessageJson.Serialize(TestMessages.Message(changed, sequence: 9)), Hex(fresh.Sign("x"u8.ToArray()))));
        var blobName = await UploadAsync(firstVersion, second: 20);
        var stage = Stage(batchMessages: 2);
        var first = await stage.IngestBlobAsync(IngestStorage.CaptureContainer, blobName);
        await UploadAsync(Version(changed, 3, 4), second: 20);
        var rerun = await stage.IngestBlobAsync(IngestStorage.CaptureContainer, blobName);
        var freshBlob = await UploadAsync(Version(fresh, 3, 4), second: 21);
        var freshRun = await stage.IngestBlobAsync(IngestStorage.CaptureContainer, freshBlob);

        Assert.Equal(6, first.Accepted);
        Assert.Equal(1, first.Rejected.Values.Sum());
        Assert.Equivalent(freshRun, rerun);
        Assert.Equal(await FileStateAsync(fresh, freshBlob), await FileStateAsync(changed, blobName));
        var stats = await new DeviceIngestStatsStore(_tables).ReadAsync(changed.Address);
        Assert.Equal(2, stats.AcceptedMessages);
        Assert.Equal(0, stats.RejectedMessages);
        Assert.Equal(120, await LedgerSamplesAsync(blobName, changed));
        Assert.Null(await new MinuteAggregateReader(_tables).ReadAsync(changed.Address, TestMessages.Enqueued.AddMinutes(-105), "flow_veh_h"));

        // The claims of the messages the file no longer holds are gone: another file may now bring seq 0.
        var later = await UploadAsync(Version(changed, 0), second: 22);
        Assert.Equal(1, (await stage.IngestBlobAsync(IngestStorage.CaptureContainer, later)).Accepted);
    }

    [Fact]
    public async Task A_blob_another_run_is_ingesting_is_refused_with_a_clear_error_and_can_be_ingested_afterwards()
    {
        var blobName = await UploadAsync([TestMessages.SignedEvent(_traffic, TestMessages.Message(_traffic, sequence: 700), 1)], second: 30);
        var lease = _blobs.GetBlobContainerClient(IngestStorage.CaptureContainer).GetBlobClient(blobName).GetBlobLeaseClient();
        await lease.AcquireAsync(TimeSpan.FromSeconds(60));

        var busy = await Assert.ThrowsAsync<LeaseBusyException>(() => Stage().IngestBlobAsync(IngestStorage.CaptureContainer, blobName));
        await lease.ReleaseAsync();
        var afterwards = await Stage().IngestBlobAsync(IngestStorage.CaptureContainer, blobName);

        Assert.Contains(blobName, busy.Message, StringComparison.Ordinal);
        Assert.Equal(1, afterwards.Accepted);
    }

    [Fact]
    public async Task Two_files_with_the_same_message_ingested_at_once_accept_it_exactly_once()
    {
        var shared = Enumerable.Range(800, 40).Select(i => TestMessages.Message(_traffic, sequence: i, samples: 5)).ToList();
        var left = await UploadAsync(shared.Select((m, i) => TestMessages.SignedEvent(_traffic, m, i)), second: 40);
        var right = await UploadAsync(shared.Select((m, i) => TestMessages.SignedEvent(_traffic, m, 100 + i)), second: 41);

        var results = await Task.WhenAll(
            Stage().IngestBlobAsync(IngestStorage.CaptureContainer, left),
            Stage().IngestBlobAsync(IngestStorage.CaptureContainer, right));

        Assert.Equal(40, results.Sum(r => r.Accepted));
        Assert.Equal(40, results.Sum(r => r.Rejected.GetValueOrDefault("duplicate_message")));
    }

    [Fact]
    public async Task Minute_buckets_merge_partials_from_files_processed_out_of_order()
    {
        var start = TestMessages.Enqueued.AddMinutes(-2);
        var early = TestMessages.Message(_traffic, sequence: 700, samples: 30, windowStart: start);
        var late = TestMessages.Message(_traffic, sequence: 701, samples: 30, windowStart: start.AddSeconds(30));
        var fileEarly = await UploadAsync([TestMessages.SignedEvent(_traffic, early, 1)], second: 10);
        var fileLate = await UploadAsync([TestMessages.SignedEvent(_traffic, late, 1)], second: 20);

        await Stage().IngestBlobAsync(IngestStorage.CaptureContainer, fileLate);
        await Stage().IngestBlobAsync(IngestStorage.CaptureContainer, fileEarly);

        var bucket = await new MinuteAggregateReader(_tables).ReadAsync(_traffic.Address, start, "speed_kmh");
        var all = early.Samples[2].Concat(late.Samples[2]).ToArray();
        Assert.NotNull(bucket);
        Assert.Equal(60, bucket.Count);
        Assert.Equal(all.Average(), bucket.Mean, 9);
        Assert.Equal(all.Min(), bucket.Min);
        Assert.Equal(all.Max(), bucket.Max);
        Assert.Equal(late.Samples[2][^1], bucket.Last);
    }

    [Fact]
    public async Task A_corrupt_file_goes_to_poison_with_its_error_and_the_next_file_is_still_processed()
    {
        var corrupt = new CaptureBlobName(_namespace, "traffic", "1", TestMessages.Enqueued).ToString();
        await _blobs.GetBlobContainerClient(IngestStorage.CaptureContainer).GetBlobClient(corrupt)
            .UploadAsync(BinaryData.FromBytes([.. "Obj\u0001"u8, 0x02, 0x00]), overwrite: true);
        var good = await UploadAsync([TestMessages.SignedEvent(_traffic, TestMessages.Message(_traffic, sequence: 900), 1)], second: 30);
        var stage = Stage();

        var poisoned = await stage.IngestBlobAsync(IngestStorage.CaptureContainer, corrupt);
        var next = await stage.IngestBlobAsync(IngestStorage.CaptureContainer, good);

        Assert.Equal(1, poisoned.Poisoned);
        Assert.Contains("truncated", Assert.Single(poisoned.Errors), StringComparison.Ordinal);
        var poison = _blobs.GetBlobContainerClient(IngestStorage.PoisonContainer);
        Assert.True(await poison.GetBlobClient(corrupt).ExistsAsync());
        var error = (await poison.GetBlobClient(corrupt + ".error.json").DownloadContentAsync()).Value.Content.ToString();
        Assert.Contains("truncated", error, StringComparison.Ordinal);
        Assert.Equal(1, next.Accepted);
    }

    [Fact]
    public async Task A_file_larger_than_a_batch_streams_as_row_groups_with_the_same_outputs_as_one_batch_and_re_runs_change_nothing()
    {
        var messages = Enumerable.Range(1000, 60).Select(i => TestMessages.Message(_traffic, sequence: i, samples: 10)).ToList();
        // Event sequence numbers rise through the file as Capture writes them; the duplicate of event 4 and the
        // reuse of seq 1003 come three batches after the originals.
        var events = messages.Select((m, i) => TestMessages.SignedEvent(_traffic, m, 2 * i)).ToList();
        events.Insert(30, TestMessages.Event(59, "{nope"u8.ToArray(), "0x00"));
        events.Add(TestMessages.SignedEvent(_traffic, messages[2], 200));
        events.Add(TestMessages.SignedEvent(_traffic, TestMessages.Message(_traffic, sequence: 1003, samples: 4), 201));
        var blobName = await UploadAsync(events, second: 50);

        var streamed = await Stage(batchMessages: 16).IngestBlobAsync(IngestStorage.CaptureContainer, blobName);
        var streamedState = await SnapshotAsync(blobName);
        var streamedParquet = await ReadParquetBytesAsync(blobName);
        var streamedLedger = await LedgerSamplesAsync(blobName);
        var again = await Stage(batchMessages: 16).IngestBlobAsync(IngestStorage.CaptureContainer, blobName);
        var againState = await SnapshotAsync(blobName);
        var againParquet = await ReadParquetBytesAsync(blobName);
        var single = await Stage(batchMessages: 10_000).IngestBlobAsync(IngestStorage.CaptureContainer, blobName);
        var singleState = await SnapshotAsync(blobName);
        var singleParquet = await ReadParquetBytesAsync(blobName);

        Assert.Equal(63, streamed.Messages);
        Assert.Equal(60, streamed.Accepted);
        Assert.Equal(1, streamed.Rejected["duplicate_message"]);
        Assert.Equal(1, streamed.Rejected["sequence_reused"]);
        Assert.Equal(1, streamed.Rejected["malformed_body"]);
        Assert.Equivalent(streamed, again);
        Assert.Equivalent(streamed, single);
        Assert.Equal(streamedState, againState);
        Assert.Equal(streamedState, singleState);
        Assert.Equal(streamedParquet, againParquet);

        await using var streamedFile = await ParquetReader.CreateAsync(new MemoryStream(streamedParquet));
        await using var singleFile = await ParquetReader.CreateAsync(new MemoryStream(singleParquet));
        Assert.Equal(4, streamedFile.RowGroupCount);
        Assert.Equal(1, singleFile.RowGroupCount);
        var streamedRows = (await ParquetSerializer.DeserializeAsync<ReadingRow>(new MemoryStream(streamedParquet))).Data;
        var singleRows = (await ParquetSerializer.DeserializeAsync<ReadingRow>(new MemoryStream(singleParquet))).Data;
        Assert.Equal(600, streamedRows.Count);
        Assert.Equal(
            singleRows.Select(r => (r.Device, r.Sequence, r.Time, r.FlowVehH, r.OccupancyPct, r.SpeedKmh, r.Segment)),
            streamedRows.Select(r => (r.Device, r.Sequence, r.Time, r.FlowVehH, r.OccupancyPct, r.SpeedKmh, r.Segment)));
        Assert.Equal(messages[59].Samples[2][9], streamedRows[^1].SpeedKmh);

        var deadLetters = await ReadDeadLettersAsync(blobName);
        var duplicate = Assert.Single(deadLetters, d => d.GetProperty("reason").GetString() == "duplicate_message");
        Assert.Equal(200, duplicate.GetProperty("sequenceNumber").GetInt64());
        Assert.Contains("earlier in this file (event 4)", duplicate.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Equal(600, streamedLedger);
        Assert.Equal(600, await LedgerSamplesAsync(blobName));
        var stats = await new DeviceIngestStatsStore(_tables).ReadAsync(_traffic.Address);
        Assert.Equal(60, stats.AcceptedMessages);
        Assert.Equal(2, stats.RejectedMessages);
    }

    [Fact]
    public async Task A_damaged_block_mid_file_is_dead_lettered_and_the_blocks_before_and_after_it_are_ingested()
    {
        var messages = Enumerable.Range(2000, 21).Select(i => TestMessages.Message(_traffic, sequence: i, samples: 10)).ToList();
        var file = CaptureFile(messages.Select((m, i) => TestMessages.SignedEvent(_traffic, m, i)), eventsPerBlock: 7);
        Capture.CaptureFileTests.FillBlockData(file, block: 1, value: 0xFF);
        var blobName = await UploadBytesAsync(file, second: 55);

        var summary = await Stage(batchMessages: 5).IngestBlobAsync(IngestStorage.CaptureContainer, blobName);

        Assert.Equal(0, summary.Poisoned);
        Assert.Equal(21, summary.Messages);
        Assert.Equal(14, summary.Accepted);
        Assert.Equal(7, summary.Rejected["corrupt_block"]);
        Assert.Contains("block 1", Assert.Single(summary.Errors), StringComparison.Ordinal);
        var rows = await ReadParquetAsync(blobName);
        Assert.Equal(
            messages.Take(7).Concat(messages.Skip(14)).Select(m => m.Sequence),
            rows.Select(r => r.Sequence).Distinct());
        var damage = Assert.Single(await ReadDeadLettersAsync(blobName));
        Assert.Equal("corrupt_block", damage.GetProperty("reason").GetString());
        Assert.Equal(-1, damage.GetProperty("sequenceNumber").GetInt64());
        Assert.Contains("at least 7 events lost", damage.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.False(await _blobs.GetBlobContainerClient(IngestStorage.PoisonContainer).GetBlobClient(blobName).ExistsAsync());
    }

    private IngestStage Stage(int batchMessages = 1_000)
    {
        var registry = new DeviceRegistryStore(_tables);
        var rewards = Options.Create(new RewardsPolicyOptions());
        return new(_blobs, _queues, _tables, registry, new EpochLedgerStore(_tables, registry, rewards), rewards,
            new IngestOptions { BatchMessages = batchMessages }, NullLogger<IngestStage>.Instance);
    }

    private async Task<string> UploadAsync(IEnumerable<CaptureEvent> events, int second = 0) =>
        await UploadBytesAsync(CaptureFile(events), second);

    private static byte[] CaptureFile(IEnumerable<CaptureEvent> events, int eventsPerBlock = 7)
    {
        using var file = new MemoryStream();
        using (var writer = new CaptureFileWriter(file, CaptureCodec.Deflate, eventsPerBlock))
        {
            foreach (var e in events)
            {
                writer.Write(e);
            }
        }

        return file.ToArray();
    }

    private async Task<string> UploadBytesAsync(byte[] file, int second)
    {
        var name = new CaptureBlobName(_namespace, "traffic", "0", TestMessages.Enqueued.AddSeconds(second)).ToString();
        await _blobs.GetBlobContainerClient(IngestStorage.CaptureContainer).GetBlobClient(name).UploadAsync(BinaryData.FromBytes(file), overwrite: true);
        return name;
    }

    private async Task<List<ReadingRow>> ReadParquetAsync(string blobName) =>
        [.. (await ParquetSerializer.DeserializeAsync<ReadingRow>(new MemoryStream(await ReadParquetBytesAsync(blobName)))).Data];

    private async Task<byte[]> ReadParquetBytesAsync(string blobName)
    {
        var hour = TestMessages.Enqueued;
        var blob = IngestStorage.ReadingsBlobName(CaptureBlobName.SourceId(blobName), new DateTimeOffset(hour.Year, hour.Month, hour.Day, hour.Hour, 0, 0, TimeSpan.Zero));
        return (await _blobs.GetBlobContainerClient(IngestStorage.AnalyticsContainer).GetBlobClient(blob).DownloadContentAsync()).Value.Content.ToArray();
    }

    /// <summary>The accepted samples the rewards ledger holds for the device (the traffic one by default) from this blob (all epochs).</summary>
    private async Task<long> LedgerSamplesAsync(string blobName, DeviceKey? device = null)
    {
        var rowKey = $"{LedgerKeys.Samples}|{(device ?? _traffic).Address}|{LedgerKeys.SourceKey(blobName)}";
        long total = 0;
        await foreach (var row in _tables.GetTableClient(LedgerKeys.TableName).QueryAsync<TableEntity>(e => e.RowKey == rowKey))
        {
            total += row.GetInt64("AcceptedSamples")!.Value;
        }

        return total;
    }

    private async Task<List<JsonElement>> ReadDeadLettersAsync(string blobName)
    {
        var content = (await _blobs.GetBlobContainerClient(IngestStorage.DeadLetterContainer)
            .GetBlobClient(CaptureBlobName.SourceId(blobName) + ".jsonl").DownloadContentAsync()).Value.Content.ToString();
        return content.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => JsonDocument.Parse(l).RootElement.Clone()).ToList();
    }

    private async Task<IReadOnlyDictionary<string, long>> RejectCountsAsync(string device) =>
        (await new DeviceIngestStatsStore(_tables).ReadAsync(device)).Rejected;

    private async Task<List<ScoreJob>> ReceiveJobsAsync()
    {
        var queue = _queues.GetQueueClient(IngestStorage.ScoreJobsQueue);
        var messages = (await queue.ReceiveMessagesAsync(32)).Value;
        return messages.Select(m => JsonSerializer.Deserialize(Convert.FromBase64String(m.MessageText), IngestJsonContext.Default.ScoreJob)!).ToList();
    }

    /// <summary>
    /// Every row one device has from one capture blob (claims, minute partials, device stats, ledger,
    /// file manifest) and its readings, as text with the device, blob name and source id replaced by placeholders,
    /// so the state of two devices and blobs can be compared. Run ids and body hashes (the body names the device) are left out.
    /// </summary>
    private async Task<string> FileStateAsync(DeviceKey device, string blobName)
    {
        var sourceId = CaptureBlobName.SourceId(blobName);
        var sourceKey = LedgerKeys.SourceKey(blobName);
        var text = new StringBuilder();
        foreach (var table in new[] { IngestStorage.SequencesTable, IngestStorage.AggregatesTable, IngestStorage.DeviceStatsTable, LedgerKeys.TableName, IngestStorage.FilesTable })
        {
            await foreach (var e in _tables.GetTableClient(table).QueryAsync<TableEntity>(e => e.PartitionKey == device.Address || e.PartitionKey == sourceId || e.RowKey.CompareTo(device.Address) >= 0))
            {
                var key = $"{e.PartitionKey} {e.RowKey}";
                var ofDevice = key.Contains(device.Address, StringComparison.Ordinal);
                var ofBlob = key.Contains(sourceId, StringComparison.Ordinal) || key.Contains(sourceKey, StringComparison.Ordinal) || e.GetString("Source") == blobName;
                if (!ofDevice || !ofBlob)
                {
                    continue;
                }

                var line = new StringBuilder(table).Append(' ').Append(key);
                foreach (var (k, v) in e.Where(p => p.Key is not ("Timestamp" or "odata.etag" or "Run" or "BodyHash")).OrderBy(p => p.Key))
                {
                    line.Append(' ').Append(k).Append('=').Append(v);
                }

                text.Append(line.Replace(device.Address, "DEVICE").Replace(sourceKey, "SOURCEKEY").Replace(blobName, "BLOB").Replace(sourceId, "SOURCE")).Append('\n');
            }
        }

        var rows = await ReadParquetAsync(blobName);
        text.Append("readings ").Append(rows.Count).Append(' ').AppendJoin(',', rows.Select(r => $"{r.Sequence}@{r.Time:HHmmss}={r.FlowVehH}"));
        return string.Join('\n', text.ToString().Split('\n').Order(StringComparer.Ordinal));
    }

    /// <summary>Every stored row and blob the two files produced, as text, to compare before and after a re-run.</summary>
    private async Task<string> SnapshotAsync(params string[] blobNames)
    {
        var text = new StringBuilder();
        foreach (var table in new[] { IngestStorage.SequencesTable, IngestStorage.AggregatesTable, IngestStorage.DeviceStatsTable, LedgerKeys.TableName })
        {
            await foreach (var e in _tables.GetTableClient(table).QueryAsync<TableEntity>(e => e.PartitionKey == _traffic.Address || e.RowKey.CompareTo(_traffic.Address) >= 0))
            {
                if (blobNames.Any(b => e.RowKey.Contains(CaptureBlobName.SourceId(b), StringComparison.Ordinal)) || e.PartitionKey == _traffic.Address)
                {
                    text.Append(table).Append(' ').Append(e.PartitionKey).Append(' ').Append(e.RowKey);
                    // Run is the id of the run that wrote the row: it tells a re-run which rows are stale, and differs by design.
                    foreach (var (k, v) in e.Where(p => p.Key is not ("Timestamp" or "odata.etag" or "Run")).OrderBy(p => p.Key))
                    {
                        text.Append(' ').Append(k).Append('=').Append(v);
                    }

                    text.Append('\n');
                }
            }
        }

        foreach (var name in blobNames)
        {
            await foreach (var blob in _blobs.GetBlobContainerClient(IngestStorage.DeadLetterContainer).GetBlobsAsync(Azure.Storage.Blobs.Models.BlobTraits.None, Azure.Storage.Blobs.Models.BlobStates.None, CaptureBlobName.SourceId(name), CancellationToken.None))
            {
                var content = (await _blobs.GetBlobContainerClient(IngestStorage.DeadLetterContainer).GetBlobClient(blob.Name).DownloadContentAsync()).Value.Content;
                text.Append(blob.Name).Append(' ').Append(content).Append('\n');
            }
        }

        return text.ToString();
    }

    private static string Hex(byte[] signature) => "0x" + Convert.ToHexStringLower(signature);
}
