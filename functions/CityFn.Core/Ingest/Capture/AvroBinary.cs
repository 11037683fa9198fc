using System.Buffers.Binary;
using System.Text;

namespace CityFn.Core.Ingest.Capture;

/// <summary>Reads Avro binary encoding (zigzag varints, length-prefixed bytes and strings) from a decoded block.</summary>
internal ref struct AvroSpanReader(ReadOnlySpan<byte> data, int position = 0)
{
    private readonly ReadOnlySpan<byte> _data = data;
    private int _position = position;

    public readonly bool AtEnd => _position >= _data.Length;

    /// <summary>Offset of the next byte in the span: where a later reader over the same span continues.</summary>
    public readonly int Position => _position;

    public long ReadLong()
    {
        ulong value = 0;
        for (var shift = 0; shift < 70; shift += 7)
        {
            if (_position >= _data.Length)
            {
                throw new CaptureFormatException("A block ends inside a number.");
            }

            var b = _data[_position++];
            value |= (ulong)(b & 0x7F) << shift;
            if ((b & 0x80) == 0)
            {
                return (long)(value >> 1) ^ -(long)(value & 1);
            }
        }

        throw new CaptureFormatException("A varint is longer than 10 bytes.");
    }

    public ReadOnlySpan<byte> ReadBytesSpan()
    {
        var length = ReadLong();
        if (length < 0 || length > _data.Length - _position)
        {
            throw new CaptureFormatException($"A length of {length} runs past the end of its block.");
        }

        var bytes = _data.Slice(_position, (int)length);
        _position += (int)length;
        return bytes;
    }

    public string ReadString() => Encoding.UTF8.GetString(ReadBytesSpan());

    public double ReadDouble() => BinaryPrimitives.ReadDoubleLittleEndian(Take(8));

    public float ReadFloat() => BinaryPrimitives.ReadSingleLittleEndian(Take(4));

    public bool ReadBoolean() => Take(1)[0] != 0;

    /// <summary>A value of one primitive Avro type, boxed as the capture model holds it.</summary>
    public object? ReadPrimitive(string type) => type switch
    {
        "null" => null,
        "boolean" => ReadBoolean(),
        "int" => (int)ReadLong(),
        "long" => ReadLong(),
        "float" => ReadFloat(),
        "double" => ReadDouble(),
        "bytes" => ReadBytesSpan().ToArray(),
        "string" => ReadString(),
        _ => throw new CaptureFormatException($"Avro type \"{type}\" is not supported in a capture file."),
    };

    private ReadOnlySpan<byte> Take(int count)
    {
        if (count > _data.Length - _position)
        {
            throw new CaptureFormatException("A block ends inside a value.");
        }

        var bytes = _data.Slice(_position, count);
        _position += count;
        return bytes;
    }
}

/// <summary>Writes Avro binary encoding into a growable buffer.</summary>
internal sealed class AvroBufferWriter
{
    private readonly MemoryStream _buffer = new();

    public int Length => (int)_buffer.Length;

    public ReadOnlySpan<byte> WrittenSpan => _buffer.GetBuffer().AsSpan(0, (int)_buffer.Length);

    public void Reset() => _buffer.SetLength(0);

    public void WriteLong(long value)
    {
        Span<byte> bytes = stackalloc byte[10];
        var length = EncodeLong(value, bytes);
        _buffer.Write(bytes[..length]);
    }

    public void WriteBytes(ReadOnlySpan<byte> value)
    {
        WriteLong(value.Length);
        _buffer.Write(value);
    }

    public void WriteString(string value) => WriteBytes(Encoding.UTF8.GetBytes(value));

    public void WriteDouble(double value)
    {
        Span<byte> bytes = stackalloc byte[8];
        BinaryPrimitives.WriteDoubleLittleEndian(bytes, value);
        _buffer.Write(bytes);
    }

    public void WriteRaw(ReadOnlySpan<byte> bytes) => _buffer.Write(bytes);

    public static int EncodeLong(long value, Span<byte> destination)
    {
        var zigzag = (ulong)((value << 1) ^ (value >> 63));
        var length = 0;
        while (zigzag >= 0x80)
        {
            destination[length++] = (byte)(zigzag | 0x80);
            zigzag >>= 7;
        }

        destination[length++] = (byte)zigzag;
        return length;
    }
}
