namespace CityFn.Core.Ingest.Capture;

/// <summary>Buffered async reads of Avro header and block framing from a forward-only stream.</summary>
internal sealed class AvroStreamInput(Stream stream)
{
    private readonly byte[] _buffer = new byte[64 * 1024];
    private int _position;
    private int _length;
    private long _consumed;

    /// <summary>The next byte, or -1 at the end of the stream.</summary>
    public async ValueTask<int> TryReadByteAsync(CancellationToken cancellationToken)
    {
        if (_position == _length && !await FillAsync(cancellationToken))
        {
            return -1;
        }

        _consumed++;
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
        await ReadExactlyAsync(bytes, where, cancellationToken);
        return bytes;
    }

    public async ValueTask ReadExactlyAsync(Memory<byte> destination, string where, CancellationToken cancellationToken)
    {
        while (destination.Length > 0)
        {
            if (_position == _length && !await FillAsync(cancellationToken))
            {
                throw Truncated(where);
            }

            var take = Math.Min(destination.Length, _length - _position);
            _buffer.AsMemory(_position, take).CopyTo(destination);
            _position += take;
            _consumed += take;
            destination = destination[take..];
        }
    }

    private CaptureFormatException Truncated(string where) =>
        new($"The file ends inside {where} (after {_consumed} bytes): truncated.");

    private async ValueTask<bool> FillAsync(CancellationToken cancellationToken)
    {
        _position = 0;
        _length = await stream.ReadAsync(_buffer, cancellationToken);
        return _length > 0;
    }
}
