using CityFn.Core.Ingest;
using Parquet.Serialization;

namespace CityFn.Core.Tests.Ingest;

[Collection(HeapMeasurementCollection.Name)]
public sealed class ReadingsParquetWriterTests
{
    private static readonly DateTimeOffset Start = new(2026, 11, 25, 12, 0, 0, TimeSpan.Zero);

    [Fact]
    public async Task Writing_many_row_groups_keeps_the_live_heap_flat_and_reuses_one_set_of_column_arrays()
    {
        // What the ingest stage does with a large file: one ~100k-row group per batch into a forward-only
        // stream. If the writer (or anything it hands the pages to) kept what it wrote, the live heap would
        // grow by about the bytes written.
        var batch = Enumerable.Range(0, 167).Select(i => Message(SensorKind.Traffic, "0x" + i.ToString("x40", null), i, 600)).ToList();
        var output = new CountingWriteOnlyStream();
        await using var writer = await ReadingsParquetWriter.CreateAsync(output);
        for (var i = 0; i < 3; i++)
        {
            await writer.WriteRowGroupAsync(batch);
        }

        var bytesBefore = output.Position;
        var liveBefore = GC.GetTotalMemory(forceFullCollection: true);
        for (var i = 0; i < 20; i++)
        {
            await writer.WriteRowGroupAsync(batch);
        }

        var liveAfter = GC.GetTotalMemory(forceFullCollection: true);
        var written = output.Position - bytesBefore;

        Assert.True(written > 20 * 1024 * 1024, $"expected 20 row groups of 100k readings to be over 20 MiB, got {written:N0} bytes");
        Assert.True(liveAfter - liveBefore < 4 * 1024 * 1024, $"live heap grew by {liveAfter - liveBefore:N0} bytes while {written:N0} bytes were written");
        Assert.Equal(23, writer.RowGroups);
        Assert.Equal(100_200, writer.ColumnCapacity);
    }

    [Fact]
    public async Task Reused_columns_leave_no_values_of_an_earlier_row_group_in_a_later_one()
    {
        var output = new MemoryStream();
        var writer = await ReadingsParquetWriter.CreateAsync(output);
        await writer.WriteRowGroupAsync([Message(SensorKind.Traffic, "0x01", 1, 10)]);
        await writer.WriteRowGroupAsync([Message(SensorKind.Air, "0x02", 1, 4)]);
        await writer.CompleteAsync();

        output.Position = 0;
        var rows = (await ParquetSerializer.DeserializeAsync<ReadingRow>(output)).Data;

        Assert.Equal(14, rows.Count);
        var air = rows.Where(r => r.Kind == "air").ToList();
        Assert.Equal(4, air.Count);
        Assert.All(air, r => Assert.Null(r.FlowVehH));
        Assert.All(air, r => Assert.NotNull(r.Pm25Ugm3));
        Assert.Equal(10, rows.Count(r => r.Kind == "traffic" && r.FlowVehH is not null && r.Pm25Ugm3 is null));
    }

    private static DeviceMessage Message(SensorKind kind, string device, long sequence, int samples)
    {
        var random = new Random((int)sequence);
        var channels = SensorKinds.Channels(kind)
            .Select(c => Enumerable.Range(0, samples).Select(_ => Math.Round(c.Min + (random.NextDouble() * (c.Max - c.Min)), 2)).ToArray())
            .ToList();
        return new DeviceMessage(device, sequence, kind, new GeoLocation(52.37, 4.89, kind == SensorKind.Traffic ? "SEG-1" : null), Start, 1, channels);
    }

    /// <summary>A forward-only output like <see cref="BlockBlobOutput"/> that keeps nothing: it only counts.</summary>
    private sealed class CountingWriteOnlyStream : Stream
    {
        private long _written;

        public override bool CanRead => false;

        public override bool CanSeek => false;

        public override bool CanWrite => true;

        public override long Length => _written;

        public override long Position { get => _written; set => throw new NotSupportedException(); }

        public override void Write(byte[] buffer, int offset, int count) => _written += count;

        public override void Write(ReadOnlySpan<byte> buffer) => _written += buffer.Length;

        public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken)
        {
            _written += count;
            return Task.CompletedTask;
        }

        public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
        {
            _written += buffer.Length;
            return ValueTask.CompletedTask;
        }

        public override void Flush()
        {
        }

        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();
    }
}
