using Avro;
using Avro.File;
using Avro.Generic;
using CityFn.Core.Ingest;
using CityFn.Core.Ingest.Capture;

namespace CityFn.Core.Tests.Ingest.Capture;

public sealed class CaptureFileTests
{
    [Theory]
    [InlineData(CaptureCodec.Deflate)]
    [InlineData(CaptureCodec.Null)]
    public async Task Events_written_come_back_identical_across_many_blocks(CaptureCodec codec)
    {
        var events = SampleEvents(2500);
        using var file = new MemoryStream();
        using (var writer = new CaptureFileWriter(file, codec, eventsPerBlock: 1000))
        {
            events.ForEach(writer.Write);
        }

        var read = await ReadAllAsync(new ForwardOnlyStream(file.ToArray()));

        Assert.Equal(events.Count, read.Count);
        AssertSame(events[0], read[0]);
        AssertSame(events[^1], read[^1]);
        Assert.Equal(events.Select(e => e.SequenceNumber), read.Select(e => e.SequenceNumber));
    }

    [Fact]
    public async Task A_file_written_by_Apache_Avro_with_the_Capture_schema_reads_here()
    {
        var schema = (RecordSchema)Schema.Parse(CaptureEvent.AvroSchema);
        var events = SampleEvents(300);
        using var file = new MemoryStream();
        using (var writer = DataFileWriter<GenericRecord>.OpenWriter(new GenericDatumWriter<GenericRecord>(schema), file, Codec.CreateCodec(Codec.Type.Deflate), leaveOpen: true))
        {
            writer.SetSyncInterval(16 * 1024);
            foreach (var e in events)
            {
                var record = new GenericRecord(schema);
                record.Add("SequenceNumber", e.SequenceNumber);
                record.Add("Offset", e.Offset);
                record.Add("EnqueuedTimeUtc", e.EnqueuedTimeUtc);
                record.Add("SystemProperties", e.SystemProperties.ToDictionary(p => p.Key, p => p.Value));
                record.Add("Properties", e.Properties.ToDictionary(p => p.Key, p => p.Value));
                record.Add("Body", e.Body);
                writer.Append(record);
            }
        }

        var read = await ReadAllAsync(new ForwardOnlyStream(file.ToArray()));

        Assert.Equal(events.Count, read.Count);
        for (var i = 0; i < events.Count; i += 37)
        {
            AssertSame(events[i], read[i]);
        }
    }

    [Fact]
    public void A_file_written_here_reads_with_Apache_Avro()
    {
        var events = SampleEvents(1200);
        using var file = new MemoryStream();
        using (var writer = new CaptureFileWriter(file, CaptureCodec.Deflate, eventsPerBlock: 500))
        {
            events.ForEach(writer.Write);
        }

        file.Position = 0;
        using var reader = DataFileReader<GenericRecord>.OpenReader(file);
        var records = new List<GenericRecord>();
        while (reader.HasNext())
        {
            records.Add(reader.Next());
        }

        Assert.Equal(events.Count, records.Count);
        var last = records[^1];
        Assert.Equal(events[^1].SequenceNumber, (long)last["SequenceNumber"]);
        Assert.Equal(events[^1].Body, (byte[])last["Body"]);
        Assert.Equal(events[^1].Signature, ((IDictionary<string, object>)last["Properties"])["sig"]);
        Assert.Equal(events[^1].SystemProperties["x-opt-partition-key"], ((IDictionary<string, object>)last["SystemProperties"])["x-opt-partition-key"]);
    }

    [Fact]
    public async Task A_truncated_file_fails_with_a_capture_format_error_after_the_complete_blocks()
    {
        var events = SampleEvents(300);
        using var file = new MemoryStream();
        using (var writer = new CaptureFileWriter(file, CaptureCodec.Deflate, eventsPerBlock: 100))
        {
            events.ForEach(writer.Write);
        }

        var truncated = file.ToArray()[..^40];
        var read = new List<CaptureEvent>();

        var error = await Assert.ThrowsAsync<CaptureFormatException>(async () =>
        {
            await foreach (var e in CaptureFileReader.ReadAsync(new MemoryStream(truncated)))
            {
                read.Add(e);
            }
        });

        Assert.Equal(200, read.Count);
        Assert.Contains("block 2", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_truncated_file_read_with_recovery_keeps_the_complete_blocks_and_reports_the_lost_one()
    {
        var file = WriteFile(SampleEvents(300), eventsPerBlock: 100)[..^40];
        var damage = new List<CaptureDamage>();

        var read = await ReadAllAsync(new ForwardOnlyStream(file), damage);

        Assert.Equal(200, read.Count);
        var lost = Assert.Single(damage);
        Assert.Equal(2, lost.Block);
        Assert.Equal(100, lost.LostEvents);
        Assert.Contains("truncated", lost.Reason, StringComparison.Ordinal);
        Assert.Contains("No sync marker follows", lost.Reason, StringComparison.Ordinal);
        Assert.Equal(file.Length - lost.ByteOffset, lost.SkippedBytes);
    }

    [Fact]
    public async Task A_block_with_bad_data_is_skipped_and_the_blocks_after_it_are_read()
    {
        var events = SampleEvents(300);
        var file = WriteFile(events, eventsPerBlock: 100);
        FillBlockData(file, block: 1, value: 0xFF);
        var damage = new List<CaptureDamage>();

        var read = await ReadAllAsync(new ForwardOnlyStream(file), damage);

        Assert.Equal(events.Take(100).Concat(events.Skip(200)).Select(e => e.SequenceNumber), read.Select(e => e.SequenceNumber));
        var lost = Assert.Single(damage);
        Assert.Equal(1, lost.Block);
        Assert.Equal(100, lost.LostEvents);
        Assert.Contains("not valid deflate data", lost.Reason, StringComparison.Ordinal);
        await Assert.ThrowsAsync<CaptureFormatException>(() => ReadAllAsync(new MemoryStream(file)));
    }

    [Fact]
    public async Task Bytes_lost_inside_a_block_shift_the_framing_and_the_reader_resyncs_on_the_next_sync_marker()
    {
        var events = SampleEvents(300);
        var file = WriteFile(events, eventsPerBlock: 100);
        var (dataStart, dataEnd) = BlockData(file, 1);
        var damaged = file[..(dataStart + 10)].Concat(file[(dataStart + 60)..]).ToArray();
        var damage = new List<CaptureDamage>();

        var read = await ReadAllAsync(new ForwardOnlyStream(damaged), damage);

        Assert.Equal(events.Take(100).Concat(events.Skip(200)).Select(e => e.SequenceNumber), read.Select(e => e.SequenceNumber));
        var lost = Assert.Single(damage);
        Assert.Equal(1, lost.Block);
        Assert.Contains("sync marker", lost.Reason, StringComparison.Ordinal);
        Assert.Equal(dataEnd + 16 - 50, lost.ByteOffset + lost.SkippedBytes);
    }

    [Fact]
    public async Task A_damaged_header_still_fails_even_with_recovery()
    {
        var file = WriteFile(SampleEvents(10), eventsPerBlock: 5);
        file[1] = (byte)'X';

        var error = await Assert.ThrowsAsync<CaptureFormatException>(() => ReadAllAsync(new MemoryStream(file), []));

        Assert.Contains("Not an Avro object container", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_file_that_is_not_Avro_fails_with_a_clear_error()
    {
        var error = await Assert.ThrowsAsync<CaptureFormatException>(() => ReadAllAsync(new MemoryStream("hello world"u8.ToArray())));

        Assert.Contains("Not an Avro object container", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Blob_names_follow_the_Capture_layout_and_parse_back()
    {
        var name = new CaptureBlobName("cityfn-ns", "traffic", "3", new DateTimeOffset(2026, 11, 25, 9, 5, 7, TimeSpan.Zero));

        Assert.Equal("cityfn-ns/traffic/3/2026/11/25/09/05/07.avro", name.ToString());
        Assert.True(CaptureBlobName.TryParse(name.ToString(), out var parsed));
        Assert.Equal(name, parsed);
        Assert.False(CaptureBlobName.TryParse("cityfn-ns/traffic/3/2026/11/25/09/05.avro", out _));
        Assert.Equal("cityfn-ns_traffic_3_2026_11_25_09_05_07", CaptureBlobName.SourceId(name.ToString()));
        Assert.Equal("local_my__file!23!3f", CaptureBlobName.SourceId("local/my_file#?.avro"));
    }

    internal static List<CaptureEvent> SampleEvents(int count)
    {
        var key = DeviceKey.Generate();
        return Enumerable.Range(0, count)
            .Select(i => TestMessages.SignedEvent(key, TestMessages.Message(key, sequence: i, samples: 1 + (i % 60)), 1000 + i))
            .ToList();
    }

    private static async Task<List<CaptureEvent>> ReadAllAsync(Stream stream, List<CaptureDamage>? damage = null)
    {
        var events = new List<CaptureEvent>();
        await foreach (var e in damage is null ? CaptureFileReader.ReadAsync(stream) : CaptureFileReader.ReadAsync(stream, damage.Add))
        {
            events.Add(e);
        }

        return events;
    }

    private static byte[] WriteFile(List<CaptureEvent> events, int eventsPerBlock)
    {
        using var file = new MemoryStream();
        using (var writer = new CaptureFileWriter(file, CaptureCodec.Deflate, eventsPerBlock))
        {
            events.ForEach(writer.Write);
        }

        return file.ToArray();
    }

    /// <summary>Overwrites the (deflated) data of one block, leaving its header and sync marker intact.</summary>
    internal static void FillBlockData(byte[] file, int block, byte value)
    {
        var (start, end) = BlockData(file, block);
        file.AsSpan(start, end - start).Fill(value);
    }

    /// <summary>Where a block's data starts and ends (its sync marker follows), found through the file's sync markers.</summary>
    private static (int Start, int End) BlockData(byte[] file, int block)
    {
        // Every block ends with the sync marker, so the last 16 bytes are it; the header ends with it too.
        var sync = file[^16..];
        var blockStart = file.AsSpan().IndexOf(sync) + 16;
        for (var i = 0; i < block; i++)
        {
            blockStart += file.AsSpan(blockStart).IndexOf(sync) + 16;
        }

        var dataStart = blockStart;
        for (var varints = 0; varints < 2; varints++)
        {
            while ((file[dataStart++] & 0x80) != 0)
            {
            }
        }

        return (dataStart, blockStart + file.AsSpan(blockStart).IndexOf(sync));
    }

    private static void AssertSame(CaptureEvent expected, CaptureEvent actual)
    {
        Assert.Equal(expected.SequenceNumber, actual.SequenceNumber);
        Assert.Equal(expected.Offset, actual.Offset);
        Assert.Equal(expected.EnqueuedTimeUtc, actual.EnqueuedTimeUtc);
        Assert.Equal(expected.EnqueuedTime, actual.EnqueuedTime);
        Assert.Equal(expected.Body, actual.Body);
        Assert.Equal(expected.Signature, actual.Signature);
        Assert.Equal(expected.SystemProperties.OrderBy(p => p.Key), actual.SystemProperties.OrderBy(p => p.Key));
    }

    /// <summary>Like a blob download stream: no seeking, no length, short reads.</summary>
    private sealed class ForwardOnlyStream(byte[] data) : Stream
    {
        private int _position;

        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => false;

        public override long Length => throw new NotSupportedException();

        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

        public override int Read(byte[] buffer, int offset, int count)
        {
            var take = Math.Min(Math.Min(count, 7919), data.Length - _position);
            Array.Copy(data, _position, buffer, offset, take);
            _position += take;
            return take;
        }

        public override void Flush() => throw new NotSupportedException();

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
