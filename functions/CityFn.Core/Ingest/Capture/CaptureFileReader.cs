using System.Buffers;
using System.IO.Compression;
using System.Runtime.CompilerServices;
using System.Text;

namespace CityFn.Core.Ingest.Capture;

/// <summary>
/// A stretch of a capture file the reader could not decode and skipped: from the start of block
/// <see cref="Block"/> (file offset <see cref="ByteOffset"/>) over <see cref="SkippedBytes"/> bytes to the
/// next sync marker (or the end of the file). <see cref="LostEvents"/> is the event count the damaged
/// block declared, when its header was readable.
/// </summary>
public sealed record CaptureDamage(int Block, long ByteOffset, long SkippedBytes, long? LostEvents, string Reason);

/// <summary>
/// Streams the events of an Event Hubs Capture file (Avro object container: magic, header metadata, sync
/// marker, then blocks of count + size + data + sync) from any readable stream, one block in memory at a time.
/// Hand-written rather than Apache.Avro because Apache.Avro's DataFileReader wants a seekable stream and
/// builds a generic record (dictionary of boxed fields) per event; capture files reach 500 MB and arrive as
/// blob download streams, and this one schema needs 200 lines. Tests read Apache.Avro's output with this
/// reader and this writer's output with Apache.Avro.
/// </summary>
/// <remarks>
/// A block's events are yielded only after the whole block decoded and its sync marker matched, so damage
/// never yields part of a block. With an <c>onDamage</c> callback the reader reports a damaged block and
/// resumes after the next occurrence of the file's 16-byte sync marker (which Avro repeats after every
/// block for exactly this), searching from the byte after the damaged block's start; without one it
/// throws <see cref="CaptureFormatException"/>. A damaged header is always an exception: without the
/// schema, codec and sync marker nothing in the file can be read.
/// </remarks>
public static class CaptureFileReader
{
    private static readonly byte[] Magic = [(byte)'O', (byte)'b', (byte)'j', 1];

    /// <summary>
    /// A block larger than this (compressed or decoded) is treated as corruption rather than allocated; it also
    /// bounds the reader's memory. Capture blocks are far smaller (one event is at most 1 MB on Event Hubs).
    /// </summary>
    public const int MaxBlockBytes = 64 * 1024 * 1024;

    private const int SyncSize = 16;

    /// <summary>Reads every event; any damage throws <see cref="CaptureFormatException"/> after the intact blocks before it.</summary>
    public static IAsyncEnumerable<CaptureEvent> ReadAsync(Stream stream, CancellationToken cancellationToken = default) =>
        ReadAsync(stream, onDamage: null, cancellationToken);

    /// <summary>
    /// Reads every event of the intact blocks; each damaged stretch is reported to <paramref name="onDamage"/>
    /// (when given) and skipped. A file whose header is damaged throws <see cref="CaptureFormatException"/>.
    /// </summary>
    public static async IAsyncEnumerable<CaptureEvent> ReadAsync(
        Stream stream, Action<CaptureDamage>? onDamage, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(stream);
        var input = new AvroStreamInput(stream);
        var header = await ReadHeaderAsync(input, cancellationToken);
        var blockIndex = 0;
        while (true)
        {
            var blockStart = input.Consumed;
            var first = await input.TryReadByteAsync(cancellationToken);
            if (first < 0)
            {
                yield break;
            }

            var block = await ReadBlockAsync(input, (byte)first, header, blockIndex, cancellationToken);
            if (block.Damage is { } problem)
            {
                if (onDamage is null)
                {
                    throw problem;
                }

                var (found, resumeAt) = await ResyncAsync(input, header.Sync, block.Taken, cancellationToken);
                onDamage(new CaptureDamage(
                    blockIndex, blockStart, resumeAt - blockStart, block.DeclaredEvents,
                    found ? $"{problem.Message} Skipped to the next sync marker." : $"{problem.Message} No sync marker follows: the rest of the file is lost."));
                blockIndex++;
                if (!found)
                {
                    yield break;
                }

                continue;
            }

            foreach (var captureEvent in block.Events!)
            {
                yield return captureEvent;
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

        var sync = await input.ReadExactlyAsync(SyncSize, "the header", cancellationToken);
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

    /// <summary>Reads and decodes one block; damage comes back as a result (not thrown) so the caller can resync.</summary>
    private static async Task<BlockResult> ReadBlockAsync(
        AvroStreamInput input, byte first, Header header, int blockIndex, CancellationToken cancellationToken)
    {
        var where = $"block {blockIndex}";
        long events;
        long size;
        try
        {
            events = await input.ReadLongAsync(where, cancellationToken, first);
            size = await input.ReadLongAsync(where, cancellationToken);
        }
        catch (CaptureFormatException exception)
        {
            return BlockResult.Damaged(new CaptureFormatException($"Block {blockIndex}: {exception.Message}", exception), null, []);
        }

        if (events < 0 || size < 0 || size > MaxBlockBytes)
        {
            return BlockResult.Damaged(
                new CaptureFormatException($"Block {blockIndex} has an impossible header ({events} events, {size} bytes)."), events >= 0 ? events : null, []);
        }

        var raw = ArrayPool<byte>.Shared.Rent((int)Math.Max(size, 1));
        try
        {
            var read = await input.ReadAtMostAsync(raw.AsMemory(0, (int)size), cancellationToken);
            var sync = new byte[SyncSize];
            var syncRead = read == size ? await input.ReadAtMostAsync(sync, cancellationToken) : 0;
            if (read < size || syncRead < SyncSize)
            {
                return BlockResult.Damaged(input.Truncated(where), events, Concat(raw.AsSpan(0, read), sync.AsSpan(0, syncRead)));
            }

            if (!sync.AsSpan().SequenceEqual(header.Sync))
            {
                return BlockResult.Damaged(
                    new CaptureFormatException($"Block {blockIndex} is not followed by the file's sync marker (corrupt or truncated)."),
                    events, Concat(raw.AsSpan(0, read), sync));
            }

            // The framing is intact from here on: a decoding failure loses exactly this block.
            byte[]? inflated = null;
            try
            {
                var length = (int)size;
                if (header.Deflate)
                {
                    inflated = Inflate(raw, (int)size, blockIndex, out length);
                }

                return new BlockResult(DecodeBlock((inflated ?? raw).AsSpan(0, length), events, header.Schema, blockIndex), null, events, null);
            }
            catch (CaptureFormatException exception)
            {
                return BlockResult.Damaged(exception, events, null);
            }
            finally
            {
                if (inflated is not null)
                {
                    ArrayPool<byte>.Shared.Return(inflated);
                }
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(raw);
        }
    }

    /// <summary>
    /// Finds the next sync marker, first in <paramref name="taken"/> (the bytes already read after the damaged
    /// block's header; what follows a marker found there is put back), then in the rest of the stream.
    /// Returns whether one was found and the file offset reading resumes at. <paramref name="taken"/> null
    /// means the block's framing was intact: reading simply goes on after it.
    /// </summary>
    private static async Task<(bool Found, long ResumeAt)> ResyncAsync(
        AvroStreamInput input, byte[] sync, byte[]? taken, CancellationToken cancellationToken)
    {
        if (taken is null)
        {
            return (true, input.Consumed);
        }

        var at = taken.AsSpan().IndexOf(sync);
        if (at >= 0)
        {
            input.Unread(taken.AsSpan(at + SyncSize));
            return (true, input.Consumed);
        }

        // A rolling window of the last 16 bytes, seeded with the tail of what was already taken.
        var window = new byte[SyncSize];
        var filled = Math.Min(taken.Length, SyncSize - 1);
        taken.AsSpan(taken.Length - filled).CopyTo(window.AsSpan(SyncSize - filled));
        while (true)
        {
            var next = await input.TryReadByteAsync(cancellationToken);
            if (next < 0)
            {
                return (false, input.Consumed);
            }

            window.AsSpan(1).CopyTo(window);
            window[^1] = (byte)next;
            if (++filled >= SyncSize && window.AsSpan().SequenceEqual(sync))
            {
                return (true, input.Consumed);
            }
        }
    }

    private static byte[] Concat(ReadOnlySpan<byte> first, ReadOnlySpan<byte> second)
    {
        var bytes = new byte[first.Length + second.Length];
        first.CopyTo(bytes);
        second.CopyTo(bytes.AsSpan(first.Length));
        return bytes;
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

    /// <summary>A decoded block, or the damage that stopped it with the bytes taken for it (null when its framing was intact).</summary>
    private sealed record BlockResult(List<CaptureEvent>? Events, CaptureFormatException? Damage, long? DeclaredEvents, byte[]? Taken)
    {
        public static BlockResult Damaged(CaptureFormatException damage, long? declaredEvents, byte[]? taken) => new(null, damage, declaredEvents, taken);
    }
}
