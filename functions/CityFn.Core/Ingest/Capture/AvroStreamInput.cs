namespace CityFn.Core.Ingest.Capture;

/// <summary>
/// Buffered async reads of Avro header and block framing from a forward-only stream. <see cref="Unread"/>
/// puts bytes back in front of the stream, which is how the reader resumes right after a sync marker it
/// found inside bytes it had already taken for a damaged block.
/// </summary>
internal sealed class AvroStreamInput(Stream stream)
{
    private const int BufferSize = 64 * 1024;
    private byte[] _buffer = new byte[BufferSize];
    private int _position;
    private int _length;

    /// <summary>Bytes taken from the file so far: the file offset of the next byte.</summary>
    public long Consumed { get; private set; }

    /// <summary>The next byte, or -1 at the end of the stream.</summary>
    public async ValueTask<int> TryReadByteAsync(CancellationToken cancellationToken)
    {
        if (_position == _length && !await FillAsync(cancellationToken))
        {
            return -1;
        }

        Consumed++;
        return _buffer[_position++];
    }

    public async ValueTask<long> ReadLongAsync(string where, CancellationToken cancellationToken, int firstByte = -1)
    {
        ulong value = 0;
        for (var shift = 0; shift < 70; shift += 7)
        {
            var b = firstByte >= 0 ? firstByte : await TryReadByteAsync(cancellationToken);
            firstByte = -1;
            if (b < 0)
            {
                throw Truncated(where);
            }

            value |= (ulong)(b & 0x7F) << shift;
            if ((b & 0x80) == 0)
            {
                return (long)(value >> 1) ^ -(long)(value & 1);
            }
        }

        throw new CaptureFormatException($"A varint in {where} is longer than 10 bytes.");
    }

    public async ValueTask<byte[]> ReadBytesAsync(string where, CancellationToken cancellationToken)
    {
        var length = await ReadLongAsync(where, cancellationToken);
        if (length is < 0 or > 16 * 1024 * 1024)
        {
            throw new CaptureFormatException($"A length of {length} in {where} is impossible.");
        }

        return await ReadExactlyAsync((int)length, where, cancellationToken);
    }

    public async ValueTask<byte[]> ReadExactlyAsync(int count, string where, CancellationToken cancellationToken)
    {
        var bytes = new byte[count];
        if (await ReadAtMostAsync(bytes, cancellationToken) < count)
        {
            throw Truncated(where);
        }

        return bytes;
    }

    /// <summary>Fills <paramref name="destination"/> unless the stream ends first; returns how many bytes it got.</summary>
    public async ValueTask<int> ReadAtMostAsync(Memory<byte> destination, CancellationToken cancellationToken)
    {
        var total = 0;
        while (destination.Length > 0)
        {
            if (_position == _length && !await FillAsync(cancellationToken))
            {
                break;
            }

            var take = Math.Min(destination.Length, _length - _position);
            _buffer.AsMemory(_position, take).CopyTo(destination);
            _position += take;
            Consumed += take;
            total += take;
            destination = destination[take..];
        }

        return total;
    }

    /// <summary>Makes <paramref name="bytes"/> (which were just read) the next bytes read again.</summary>
    public void Unread(ReadOnlySpan<byte> bytes)
    {
        if (bytes.IsEmpty)
        {
            return;
        }

        var remaining = _length - _position;
        var buffer = new byte[Math.Max(BufferSize, bytes.Length + remaining)];
        bytes.CopyTo(buffer);
        _buffer.AsSpan(_position, remaining).CopyTo(buffer.AsSpan(bytes.Length));
        _buffer = buffer;
        _position = 0;
        _length = bytes.Length + remaining;
        Consumed -= bytes.Length;
    }

    public CaptureFormatException Truncated(string where) =>
        new($"The file ends inside {where} (after {Consumed} bytes): truncated.");

    private async ValueTask<bool> FillAsync(CancellationToken cancellationToken)
    {
        if (_buffer.Length > BufferSize)
        {
            // Back to the normal size once the bytes put back by Unread are used up.
            _buffer = new byte[BufferSize];
        }

        _position = 0;
        _length = await stream.ReadAsync(_buffer, cancellationToken);
        return _length > 0;
    }
}
