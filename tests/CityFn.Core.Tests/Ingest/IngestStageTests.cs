using System.Text;
using System.Text.Json;
using Azure.Data.Tables;
using Azure.Storage.Blobs;
using Azure.Storage.Queues;
using CityFn.Core.Devices;
using CityFn.Core.Ingest;
using CityFn.Core.Ingest.Capture;
using CityFn.TestSupport;
using Microsoft.Extensions.Logging.Abstractions;
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

        var contributions = new List<TableEntity>();
        await foreach (var e in _tables.GetTableClient(IngestStorage.ContributionsTable).QueryAsync<TableEntity>(e => e.RowKey.CompareTo(_traffic.Address) >= 0 && e.RowKey.CompareTo(_traffic.Address + "~") < 0))
        {
            contributions.Add(e);
        }

        var contribution = Assert.Single(contributions);
        Assert.Equal((TestMessages.Enqueued.UtcTicks / TimeSpan.TicksPerHour).ToString("D12", System.Globalization.CultureInfo.InvariantCulture), contribution.PartitionKey);
        Assert.Equal(20 * 30, contribution.GetInt64("AcceptedReadings"));
        Assert.Equal(3600, contribution.GetInt64("ExpectedReadings"));
        Assert.Equal("0x00000000000000000000000000000000000000aa", contribution.GetString("Owner"));

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
        var expected = RejectReasons.All.Select(RejectReasons.Code).Order().ToList();
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

    private IngestStage Stage() =>
        new(_blobs, _queues, _tables, new DeviceRegistryStore(_tables), new IngestOptions(), NullLogger<IngestStage>.Instance);

    private async Task<string> UploadAsync(IEnumerable<CaptureEvent> events, int second = 0)
    {
        var name = new CaptureBlobName(_namespace, "traffic", "0", TestMessages.Enqueued.AddSeconds(second)).ToString();
        using var file = new MemoryStream();
        using (var writer = new CaptureFileWriter(file, CaptureCodec.Deflate, eventsPerBlock: 7))
        {
            foreach (var e in events)
            {
                writer.Write(e);
            }
        }

        file.Position = 0;
        await _blobs.GetBlobContainerClient(IngestStorage.CaptureContainer).GetBlobClient(name).UploadAsync(file, overwrite: true);
        return name;
    }

    private async Task<List<ReadingRow>> ReadParquetAsync(string blobName)
    {
        var hour = TestMessages.Enqueued;
        var blob = IngestStorage.ReadingsBlobName(CaptureBlobName.SourceId(blobName), new DateTimeOffset(hour.Year, hour.Month, hour.Day, hour.Hour, 0, 0, TimeSpan.Zero));
        var content = (await _blobs.GetBlobContainerClient(IngestStorage.AnalyticsContainer).GetBlobClient(blob).DownloadContentAsync()).Value.Content;
        return [.. (await ParquetSerializer.DeserializeAsync<ReadingRow>(content.ToStream())).Data];
    }

    private async Task<List<JsonElement>> ReadDeadLettersAsync(string blobName)
    {
        var content = (await _blobs.GetBlobContainerClient(IngestStorage.DeadLetterContainer)
            .GetBlobClient(CaptureBlobName.SourceId(blobName) + ".jsonl").DownloadContentAsync()).Value.Content.ToString();
        return content.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => JsonDocument.Parse(l).RootElement.Clone()).ToList();
    }

    private async Task<Dictionary<string, long>> RejectCountsAsync(string device)
    {
        var counts = new Dictionary<string, long>();
        await foreach (var e in _tables.GetTableClient(IngestStorage.RejectsTable).QueryAsync<TableEntity>(e => e.PartitionKey == device))
        {
            var reason = e.GetString("Reason");
            counts[reason] = counts.GetValueOrDefault(reason) + e.GetInt64("Count")!.Value;
        }

        return counts;
    }

    private async Task<List<ScoreJob>> ReceiveJobsAsync()
    {
        var queue = _queues.GetQueueClient(IngestStorage.ScoreJobsQueue);
        var messages = (await queue.ReceiveMessagesAsync(32)).Value;
        return messages.Select(m => JsonSerializer.Deserialize(Convert.FromBase64String(m.MessageText), IngestJsonContext.Default.ScoreJob)!).ToList();
    }

    /// <summary>Every stored row and blob the two files produced, as text, to compare before and after a re-run.</summary>
    private async Task<string> SnapshotAsync(params string[] blobNames)
    {
        var text = new StringBuilder();
        foreach (var table in new[] { IngestStorage.SequencesTable, IngestStorage.AggregatesTable, IngestStorage.RejectsTable, IngestStorage.ContributionsTable })
        {
            await foreach (var e in _tables.GetTableClient(table).QueryAsync<TableEntity>(e => e.PartitionKey == _traffic.Address || e.RowKey.CompareTo(_traffic.Address) >= 0))
            {
                if (blobNames.Any(b => e.RowKey.Contains(CaptureBlobName.SourceId(b), StringComparison.Ordinal)) || e.PartitionKey == _traffic.Address)
                {
                    text.Append(table).Append(' ').Append(e.PartitionKey).Append(' ').Append(e.RowKey);
                    foreach (var (k, v) in e.Where(p => p.Key is not ("Timestamp" or "odata.etag")).OrderBy(p => p.Key))
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
                text.Append(blob.Name).Append(' ').Append(Convert.ToHexString(blob.Properties.ContentHash ?? [])).Append('\n');
            }
        }

        return text.ToString();
    }

    private static string Hex(byte[] signature) => "0x" + Convert.ToHexStringLower(signature);
}
