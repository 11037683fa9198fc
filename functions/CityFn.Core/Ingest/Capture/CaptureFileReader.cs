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
        var buffers = new BlockBuffers();
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

            var block = await ReadBlockAsync(input, buffers, (byte)first, header, blockIndex, cancellationToken);
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

            // The block decoded whole once (validation); now decode again one event at a time, so only the
            // block's bytes are held, never all of its events as objects.
            var position = 0;
            for (long i = 0; i < block.DeclaredEvents; i++)
            {
                yield return DecodeEvent(block.Data.Span, ref position, header.Schema);
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
        AvroStreamInput input, BlockBuffers buffers, byte first, Header header, int blockIndex, CancellationToken cancellationToken)
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

        var raw = buffers.Raw((int)size);
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
        try
        {
            var data = header.Deflate ? Inflate(buffers, (int)size, blockIndex) : raw.AsMemory(0, (int)size);
            ValidateBlock(data.Span, events, header.Schema, blockIndex);
            return new BlockResult(data, null, events, null);
        }
        catch (CaptureFormatException exception)
        {
            return BlockResult.Damaged(exception, events, null);
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

    /// <summary>Inflates the block in <see cref="BlockBuffers.Raw"/> into <see cref="BlockBuffers.Inflated"/>; returns the decoded bytes.</summary>
    private static Memory<byte> Inflate(BlockBuffers buffers, int size, int blockIndex)
    {
        var output = buffers.Inflated(size * 4);
        var length = 0;
        try
        {
            using var source = new MemoryStream(buffers.LastRaw, 0, size, writable: false);
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

                    output = buffers.GrowInflated(length);
                }
            }

            return output.AsMemory(0, length);
        }
        catch (InvalidDataException exception)
        {
            throw new CaptureFormatException($"Block {blockIndex} is not valid deflate data: {exception.Message}", exception);
        }
    }

    /// <summary>Decodes every event of the block (and drops it) to prove the block whole before any event is yielded.</summary>
    private static void ValidateBlock(ReadOnlySpan<byte> data, long count, CaptureSchema schema, int blockIndex)
    {
        var position = 0;
        long decoded = 0;
        try
        {
            for (; decoded < count; decoded++)
            {
                DecodeEvent(data, ref position, schema);
            }
        }
        catch (CaptureFormatException exception)
        {
            throw new CaptureFormatException($"Block {blockIndex}, event {decoded}: {exception.Message}", exception);
        }

        if (position < data.Length)
        {
            throw new CaptureFormatException($"Block {blockIndex} has bytes left after its {count} events.");
        }
    }

    private static CaptureEvent DecodeEvent(ReadOnlySpan<byte> data, ref int position, CaptureSchema schema)
    {
        var reader = new AvroSpanReader(data, position);
        var sequenceNumber = reader.ReadLong();
        var offset = reader.ReadString();
        var enqueued = reader.ReadString();
        var systemProperties = ReadMap(ref reader, schema.SystemPropertyTypes);
        var properties = ReadMap(ref reader, schema.PropertyTypes);
        var body = ReadValue(ref reader, schema.BodyTypes, schema.BodyIsUnion) as byte[];
        position = reader.Position;
        return new CaptureEvent(sequenceNumber, offset, enqueued, systemProperties, properties, body);
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

    /// <summary>
    /// The two block buffers of one file read (compressed and inflated), reused for every block and grown to
    /// the largest block so far (at most <see cref="MaxBlockBytes"/> each). Not rented from the shared
    /// ArrayPool: the doubling inflate buffers left arrays of many sizes behind in that process-wide pool
    /// (measured ~60 MiB still held after a run); these are garbage once the file is read.
    /// </summary>
    private sealed class BlockBuffers
    {
        private byte[] _raw = new byte[64 * 1024];
        private byte[] _inflated = new byte[256 * 1024];

        /// <summary>The buffer <see cref="Raw"/> last returned.</summary>
        public byte[] LastRaw => _raw;

        public byte[] Raw(int size)
        {
            if (_raw.Length < size)
            {
                _raw = new byte[size];
            }

            return _raw;
        }

        public byte[] Inflated(int atLeast)
        {
            if (_inflated.Length < atLeast)
            {
                _inflated = new byte[Math.Min(atLeast, MaxBlockBytes)];
            }

            return _inflated;
        }

        /// <summary>Doubles the inflate buffer keeping its first <paramref name="keep"/> bytes.</summary>
        public byte[] GrowInflated(int keep)
        {
            var larger = new byte[(int)Math.Min((long)_inflated.Length * 2, MaxBlockBytes)];
            _inflated.AsSpan(0, keep).CopyTo(larger);
            _inflated = larger;
            return _inflated;
        }
    }

    /// <summary>A decoded block, or the damage that stopped it with the bytes taken for it (null when its framing was intact).</summary>
    /// <summary>
    /// A block whose events all decoded (<see cref="Data"/>: its decoded bytes, valid until the next block is read),
    /// or the damage that stopped it with the bytes taken for it (null when its framing was intact).
    /// </summary>
    private sealed record BlockResult(ReadOnlyMemory<byte> Data, CaptureFormatException? Damage, long? DeclaredEvents, byte[]? Taken)
    {
        public static BlockResult Damaged(CaptureFormatException damage, long? declaredEvents, byte[]? taken) => new(ReadOnlyMemory<byte>.Empty, damage, declaredEvents, taken);
    }
}
