using Parquet;
using Parquet.Schema;
using Parquet.Serialization;

namespace CityFn.Core.Ingest;

/// <summary>
/// Writes accepted readings as a Parquet file of <see cref="ReadingRow"/> columns, one row group per call
/// of <see cref="WriteRowGroupAsync"/>, straight from the messages into column arrays (no row objects), so
/// only one batch's columns are in memory at a time. <see cref="CompleteAsync"/> writes the footer.
/// The schema is the one ParquetSerializer derives from <see cref="ReadingRow"/>, so readers can use
/// <c>ParquetSerializer.DeserializeAsync&lt;ReadingRow&gt;</c>.
/// </summary>
public sealed class ReadingsParquetWriter : IAsyncDisposable
{
    private static readonly ParquetSchema Schema = typeof(ReadingRow).GetParquetSchema(forWriting: true);
    private readonly ParquetWriter _writer;
    private Columns? _columns;

    private ReadingsParquetWriter(ParquetWriter writer) => _writer = writer;

    public int RowGroups { get; private set; }

    public long Rows { get; private set; }

    /// <summary>Rows the reused column arrays can hold: the largest row group so far, not the file's rows.</summary>
    public int ColumnCapacity => _columns?.Capacity ?? 0;

    public static async Task<ReadingsParquetWriter> CreateAsync(Stream output, CancellationToken cancellationToken = default) =>
        new(await ParquetWriter.CreateAsync(Schema, output, cancellationToken: cancellationToken));

    public async Task WriteRowGroupAsync(IReadOnlyList<DeviceMessage> messages, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(messages);
        var rows = messages.Sum(m => m.SampleCount);
        if (rows == 0)
        {
            return;
        }

        if (_columns is null || _columns.Capacity < rows)
        {
            _columns = new Columns(rows);
        }

        var columns = _columns;
        columns.Clear(rows);
        var row = 0;
        foreach (var message in messages)
        {
            columns.Add(message, ref row);
        }

        using var group = _writer.CreateRowGroup();
        foreach (var field in Schema.DataFields)
        {
            await (field.Name switch
            {
                "device" => group.WriteAsync(field, new ArraySegment<string>(columns.Device, 0, rows)),
                "kind" => group.WriteAsync(field, new ArraySegment<string>(columns.Kind, 0, rows)),
                "time" => group.WriteAsync<DateTime>(field, columns.Time.AsMemory(0, rows), cancellationToken: cancellationToken),
                "seq" => group.WriteAsync<long>(field, columns.Sequence.AsMemory(0, rows), cancellationToken: cancellationToken),
                "lat" => group.WriteAsync<double>(field, columns.Lat.AsMemory(0, rows), cancellationToken: cancellationToken),
                "lon" => group.WriteAsync<double>(field, columns.Lon.AsMemory(0, rows), cancellationToken: cancellationToken),
                "segment" => group.WriteAsync(field, new ArraySegment<string>(columns.Segment!, 0, rows)),
                _ => group.WriteAsync<double>(field, columns.Channel(field.Name).AsMemory(0, rows), cancellationToken: cancellationToken),
            });
        }

        RowGroups++;
        Rows += rows;
    }

    /// <summary>Writes the footer; the output stream stays open.</summary>
    public async Task CompleteAsync() => await _writer.DisposeAsync();

    public ValueTask DisposeAsync() => _writer.DisposeAsync();

    /// <summary>Column arrays for up to <see cref="Capacity"/> rows, reused per row group; channels of other kinds stay null.</summary>
    private sealed class Columns(int capacity)
    {
        private readonly Dictionary<string, double?[]> _channels = new(StringComparer.Ordinal);

        public int Capacity { get; } = capacity;

        public string[] Device { get; } = new string[capacity];

        public string[] Kind { get; } = new string[capacity];

        public DateTime[] Time { get; } = new DateTime[capacity];

        public long[] Sequence { get; } = new long[capacity];

        public double[] Lat { get; } = new double[capacity];

        public double[] Lon { get; } = new double[capacity];

        public string?[] Segment { get; } = new string?[capacity];

        public double?[] Channel(string name)
        {
            if (!_channels.TryGetValue(name, out var values))
            {
                values = new double?[Capacity];
                _channels.Add(name, values);
            }

            return values;
        }

        /// <summary>Resets the first <paramref name="count"/> channel values to null: rows of another kind have none.</summary>
        public void Clear(int count)
        {
            foreach (var values in _channels.Values)
            {
                Array.Clear(values, 0, count);
            }
        }

        public void Add(DeviceMessage message, ref int row)
        {
            var kind = SensorKinds.WireName(message.Kind);
            var channels = SensorKinds.Channels(message.Kind);
            var start = row;
            for (var i = 0; i < message.SampleCount; i++, row++)
            {
                Device[row] = message.Device;
                Kind[row] = kind;
                Time[row] = message.SampleTime(i).UtcDateTime;
                Sequence[row] = message.Sequence;
                Lat[row] = message.Location.Lat;
                Lon[row] = message.Location.Lon;
                Segment[row] = message.Location.Segment;
            }

            for (var c = 0; c < channels.Count; c++)
            {
                var column = Channel(channels[c].Name);
                var values = message.Samples[c];
                for (var i = 0; i < values.Length; i++)
                {
                    column[start + i] = values[i];
                }
            }
        }
    }
}
