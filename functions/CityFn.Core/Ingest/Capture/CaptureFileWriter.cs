using System.IO.Compression;
using System.Security.Cryptography;
using System.Text;

namespace CityFn.Core.Ingest.Capture;

public enum CaptureCodec
{
    Null,
    Deflate,
}

/// <summary>
/// Writes events in the Event Hubs Capture Avro format (the same container, schema and codecs Capture uses),
/// for the simulator, backfills and tests. Blocks are flushed every <paramref name="eventsPerBlock"/> events.
/// Leaves <paramref name="output"/> open. The 16-byte <paramref name="syncMarker"/> is random unless given
/// (the simulator passes one derived from its seed so that its files are byte-for-byte reproducible).
/// </summary>
public sealed class CaptureFileWriter(Stream output, CaptureCodec codec = CaptureCodec.Deflate, int eventsPerBlock = 2000, byte[]? syncMarker = null) : IDisposable
{
    private readonly AvroBufferWriter _block = new();
    private readonly byte[] _sync = syncMarker is { Length: 16 } ? (byte[])syncMarker.Clone()
        : syncMarker is null ? RandomNumberGenerator.GetBytes(16)
        : throw new ArgumentException("An Avro sync marker is 16 bytes.", nameof(syncMarker));
    private bool _headerWritten;
    private int _pending;
    private bool _disposed;

    public void Write(CaptureEvent captureEvent)
    {
        ArgumentNullException.ThrowIfNull(captureEvent);
        ObjectDisposedException.ThrowIf(_disposed, this);
        WriteHeaderOnce();
        _block.WriteLong(captureEvent.SequenceNumber);
        _block.WriteString(captureEvent.Offset);
        _block.WriteString(captureEvent.EnqueuedTimeUtc);
        WriteMap(captureEvent.SystemProperties);
        WriteMap(captureEvent.Properties);
        if (captureEvent.Body is null)
        {
            _block.WriteLong(0);
        }
        else
        {
            _block.WriteLong(1);
            _block.WriteBytes(captureEvent.Body);
        }

        if (++_pending >= eventsPerBlock)
        {
            FlushBlock();
        }
    }

    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }

        WriteHeaderOnce();
        FlushBlock();
        output.Flush();
        _disposed = true;
    }

    private void WriteHeaderOnce()
    {
        if (_headerWritten)
        {
            return;
        }

        var header = new AvroBufferWriter();
        header.WriteRaw("Obj\u0001"u8);
        header.WriteLong(2);
        header.WriteString("avro.codec");
        header.WriteBytes(Encoding.UTF8.GetBytes(codec == CaptureCodec.Deflate ? "deflate" : "null"));
        header.WriteString("avro.schema");
        header.WriteBytes(Encoding.UTF8.GetBytes(CaptureEvent.AvroSchema));
        header.WriteLong(0);
        header.WriteRaw(_sync);
        output.Write(header.WrittenSpan);
        _headerWritten = true;
    }

    private void FlushBlock()
    {
        if (_pending == 0)
        {
            return;
        }

        var data = _block.WrittenSpan;
        byte[]? compressed = null;
        if (codec == CaptureCodec.Deflate)
        {
            using var buffer = new MemoryStream();
            using (var deflater = new DeflateStream(buffer, CompressionLevel.Fastest, leaveOpen: true))
            {
                deflater.Write(data);
            }

            compressed = buffer.ToArray();
        }

        var frame = new AvroBufferWriter();
        frame.WriteLong(_pending);
        frame.WriteLong(compressed?.Length ?? data.Length);
        output.Write(frame.WrittenSpan);
        output.Write(compressed ?? data);
        output.Write(_sync);
        _block.Reset();
        _pending = 0;
    }

    private void WriteMap(IReadOnlyDictionary<string, object?> map)
    {
        if (map.Count > 0)
        {
            _block.WriteLong(map.Count);
            foreach (var (key, value) in map)
            {
                _block.WriteString(key);
                // Union branches of the Capture schema's map values: long, double, string, bytes.
                switch (value)
                {
                    case long number: _block.WriteLong(0); _block.WriteLong(number); break;
                    case int number: _block.WriteLong(0); _block.WriteLong(number); break;
                    case double number: _block.WriteLong(1); _block.WriteDouble(number); break;
                    case string text: _block.WriteLong(2); _block.WriteString(text); break;
                    case byte[] bytes: _block.WriteLong(3); _block.WriteBytes(bytes); break;
                    default:
                        throw new ArgumentException($"Property \"{key}\" is {value?.GetType().Name ?? "null"}; Capture stores long, double, string or bytes.", nameof(map));
                }
            }
        }

        _block.WriteLong(0);
    }
}
