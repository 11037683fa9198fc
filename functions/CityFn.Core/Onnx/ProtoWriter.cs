using System.Buffers.Binary;
using System.Text;

namespace CityFn.Core.Onnx;

/// <summary>
/// The protobuf wire format, just what ONNX models need: varints, length-delimited fields, fixed32 floats and
/// packed repeated numbers (protobuf parsers accept packed encoding for any repeated scalar field). Lets the training
/// project and the edge host's test model write ONNX without Python or a protobuf code generator.
/// </summary>
public sealed class ProtoWriter
{
    private readonly MemoryStream _buffer = new();

    public void Int64(int field, long value)
    {
        Tag(field, 0);
        Varint((ulong)value);
    }

    public void Float(int field, float value)
    {
        Tag(field, 5);
        Span<byte> bytes = stackalloc byte[4];
        BinaryPrimitives.WriteSingleLittleEndian(bytes, value);
        _buffer.Write(bytes);
    }

    public void String(int field, string value) => Bytes(field, Encoding.UTF8.GetBytes(value));

    public void Bytes(int field, byte[] value)
    {
        Tag(field, 2);
        Varint((ulong)value.Length);
        _buffer.Write(value);
    }

    public void Message(int field, ProtoWriter message) => Bytes(field, message.ToArray());

    public void PackedInt64(int field, IEnumerable<long> values)
    {
        var packed = new ProtoWriter();
        foreach (var value in values)
        {
            packed.Varint((ulong)value);
        }

        Bytes(field, packed.ToArray());
    }

    public void PackedFloat(int field, IEnumerable<float> values)
    {
        var packed = new MemoryStream();
        Span<byte> bytes = stackalloc byte[4];
        foreach (var value in values)
        {
            BinaryPrimitives.WriteSingleLittleEndian(bytes, value);
            packed.Write(bytes);
        }

        Bytes(field, packed.ToArray());
    }

    public byte[] ToArray() => _buffer.ToArray();

    private void Tag(int field, int wireType) => Varint((ulong)((field << 3) | wireType));

    private void Varint(ulong value)
    {
        while (value >= 0x80)
        {
            _buffer.WriteByte((byte)(value | 0x80));
            value >>= 7;
        }

        _buffer.WriteByte((byte)value);
    }
}
