using System.Buffers;
using System.IO.Compression;
using System.Runtime.CompilerServices;
using System.Text;

namespace CityFn.Core.Ingest.Capture;

/// <summary>
/// Streams the events of an Event Hubs Capture file (Avro object container: magic, header metadata, sync
/// marker, then blocks of count + size + data + sync) from any readable stream, one block in memory at a time.
/// Hand-written rather than Apache.Avro because Apache.Avro's DataFileReader wants a seekable stream and
/// builds a generic record (dictionary of boxed fields) per event; capture files reach 500 MB and arrive as
/// blob download streams, and this one schema needs 200 lines. Tests read Apache.Avro's output with this
/// reader and this writer's output with Apache.Avro.
/// </summary>
public static class CaptureFileReader
{
    private static readonly byte[] Magic = [(byte)'O', (byte)'b', (byte)'j', 1];

    /// <summary>A decoded block larger than this is treated as corruption rather than allocated.</summary>
    private const int MaxBlockBytes = 256 * 1024 * 1024;

    public static async IAsyncEnumerable<CaptureEvent> ReadAsync(Stream stream, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(stream);
        var input = new AvroStreamInput(stream);
        var header = await ReadHeaderAsync(input, cancellationToken);
        var blockIndex = 0;
        while (true)
        {
            var first = await input.TryReadByteAsync(cancellationToken);
            if (first < 0)
            {
                yield break;
            }

            var (events, buffer, length) = await ReadBlockAsync(input, (byte)first, header, blockIndex, cancellationToken);
            try
            {
                foreach (var captureEvent in DecodeBlock(buffer.AsSpan(0, length), events, header.Schema, blockIndex))
                {
                    yield return captureEvent;
                }
            }
            finally
            {
                ArrayPool<byte>.Shared.Return(buffer);
            }

            blockIndex++;
        }
    }

    private static async Task<Header> ReadHeaderAsync(AvroStreamInput input, CancellationToken cancellationToken)
    {
        var magic = await input.ReadExactlyAsync(4, "the header", cancellationToken);
        if (!magic.AsSpan().SequenceEqual(Magic))
        {
            throw new CaptureFormatException("Not an Avro object container file (the first bytes are not \"Obj\\x01\").");
        }

        var metadata = new Dictionary<string, byte[]>(StringComparer.Ordinal);
        while (true)
        {
            var count = await input.ReadLongAsync("the header", cancellationToken);
            if (count == 0)
            {
                break;
            }

            if (count < 0)
            {
                count = -count;
                await input.ReadLongAsync("the header", cancellationToken);
            }

            for (var i = 0; i < count; i++)
            {
                var key = Encoding.UTF8.GetString(await input.ReadBytesAsync("the header", cancellationToken));
                metadata[key] = await input.ReadBytesAsync("the header", cancellationToken);
            }
        }

        var sync = await input.ReadExactlyAsync(16, "the header", cancellationToken);
        var codec = metadata.TryGetValue("avro.codec", out var codecBytes) ? Encoding.UTF8.GetString(codecBytes) : "null";
        if (codec is not ("null" or "deflate"))
        {
            throw new CaptureFormatException($"Codec \"{codec}\" is not supported (Capture writes deflate or null).");
        }

        if (!metadata.TryGetValue("avro.schema", out var schema))
        {
            throw new CaptureFormatException("The header has no avro.schema.");
        }

        return new Header(CaptureSchema.Parse(Encoding.UTF8.GetString(schema)), codec == "deflate", sync);
    }

    private static async Task<(long Events, byte[] Buffer, int Length)> ReadBlockAsync(
        AvroStreamInput input, byte first, Header header, int blockIndex, CancellationToken cancellationToken)
    {
        var where = $"block {blockIndex}";
        var events = await input.ReadLongAsync(where, cancellationToken, first);
        var size = await input.ReadLongAsync(where, cancellationToken);
        if (events < 0 || size < 0 || size > MaxBlockBytes)
        {
            throw new CaptureFormatException($"Block {blockIndex} has an impossible header ({events} events, {size} bytes).");
        }

        var raw = ArrayPool<byte>.Shared.Rent((int)Math.Max(size, 1));
        try
        {
            await input.ReadExactlyAsync(raw.AsMemory(0, (int)size), where, cancellationToken);
            var sync = await input.ReadExactlyAsync(16, where, cancellationToken);
            if (!sync.AsSpan().SequenceEqual(header.Sync))
            {
                throw new CaptureFormatException($"Block {blockIndex} is not followed by the file's sync marker (corrupt or truncated).");
            }

            if (!header.Deflate)
            {
                var copy = raw;
                raw = null;
                return (events, copy, (int)size);
            }

            return (events, Inflate(raw, (int)size, blockIndex, out var length), length);
        }
        finally
        {
            if (raw is not null)
            {
                ArrayPool<byte>.Shared.Return(raw);
            }
        }
    }

    private static byte[] Inflate(byte[] compressed, int size, int blockIndex, out int length)
    {
        var output = ArrayPool<byte>.Shared.Rent(Math.Max(size * 4, 4096));
        length = 0;
        try
        {
            using var source = new MemoryStream(compressed, 0, size, writable: false);
            using var inflater = new DeflateStream(source, CompressionMode.Decompress);
            int read;
            while ((read = inflater.Read(output, length, output.Length - length)) > 0)
            {
                length += read;
                if (length == output.Length)
                {
                    if (length >= MaxBlockBytes)
                    {
                        throw new CaptureFormatException($"Block {blockIndex} inflates past {MaxBlockBytes} bytes.");
                    }

                    var larger = ArrayPool<byte>.Shared.Rent(output.Length * 2);
                    output.AsSpan(0, length).CopyTo(larger);
                    ArrayPool<byte>.Shared.Return(output);
                    output = larger;
                }
            }

            return output;
        }
        catch (InvalidDataException exception)
        {
            ArrayPool<byte>.Shared.Return(output);
            throw new CaptureFormatException($"Block {blockIndex} is not valid deflate data: {exception.Message}", exception);
        }
    }

    private static List<CaptureEvent> DecodeBlock(ReadOnlySpan<byte> data, long count, CaptureSchema schema, int blockIndex)
    {
        var events = new List<CaptureEvent>((int)Math.Min(count, 65_536));
        var reader = new AvroSpanReader(data);
        try
        {
            for (long i = 0; i < count; i++)
            {
                var sequenceNumber = reader.ReadLong();
                var offset = reader.ReadString();
                var enqueued = reader.ReadString();
                var systemProperties = ReadMap(ref reader, schema.SystemPropertyTypes);
                var properties = ReadMap(ref reader, schema.PropertyTypes);
                var body = ReadValue(ref reader, schema.BodyTypes, schema.BodyIsUnion) as byte[];
                events.Add(new CaptureEvent(sequenceNumber, offset, enqueued, systemProperties, properties, body));
            }
        }
        catch (CaptureFormatException exception)
        {
            throw new CaptureFormatException($"Block {blockIndex}, event {events.Count}: {exception.Message}", exception);
        }

        if (!reader.AtEnd)
        {
            throw new CaptureFormatException($"Block {blockIndex} has bytes left after its {count} events.");
        }

        return events;
    }

    private static Dictionary<string, object?> ReadMap(ref AvroSpanReader reader, string[] valueTypes)
    {
        var map = new Dictionary<string, object?>(StringComparer.Ordinal);
        while (true)
        {
            var count = reader.ReadLong();
            if (count == 0)
            {
                return map;
            }

            if (count < 0)
            {
                count = -count;
                reader.ReadLong();
            }

            for (long i = 0; i < count; i++)
            {
                var key = reader.ReadString();
                map[key] = ReadValue(ref reader, valueTypes, valueTypes.Length > 1);
            }
        }
    }

    private static object? ReadValue(ref AvroSpanReader reader, string[] types, bool isUnion)
    {
        if (!isUnion)
        {
            return reader.ReadPrimitive(types[0]);
        }

        var branch = reader.ReadLong();
        if (branch < 0 || branch >= types.Length)
        {
            throw new CaptureFormatException($"Union branch {branch} does not exist.");
        }

        return reader.ReadPrimitive(types[branch]);
    }

    private sealed record Header(CaptureSchema Schema, bool Deflate, byte[] Sync);
}
