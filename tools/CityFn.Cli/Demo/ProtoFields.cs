using System.Buffers.Binary;
using System.Text;
using CityFn.Core.Onnx;

namespace CityFn.Cli.Demo;

/// <summary>
/// Splits one protobuf message into its top-level fields, so <see cref="TamperedModel"/> can copy an ONNX model
/// field by field and change only what it must. Varint, fixed32 and length-delimited fields (all an ONNX model,
/// graph or node holds at that level) are supported.
/// </summary>
internal static class ProtoFields
{
    public const int Varint = 0;
    public const int LengthDelimited = 2;
    public const int Fixed32 = 5;

    public static IReadOnlyList<ProtoField> Read(ReadOnlySpan<byte> message)
    {
        var fields = new List<ProtoField>();
        var position = 0;
        while (position < message.Length)
        {
            var tag = ReadVarint(message, ref position);
            var number = (int)(tag >> 3);
            var wireType = (int)(tag & 7);
            switch (wireType)
            {
                case Varint:
                    fields.Add(new ProtoField(number, wireType, ReadVarint(message, ref position), []));
                    break;
                case LengthDelimited:
                    var length = checked((int)ReadVarint(message, ref position));
                    if (length < 0 || position + length > message.Length)
                    {
                        throw new InvalidDataException($"Protobuf field {number} claims {length} bytes; only {message.Length - position} are left.");
                    }

                    fields.Add(new ProtoField(number, wireType, 0, message.Slice(position, length).ToArray()));
                    position += length;
                    break;
                case Fixed32:
                    if (position + 4 > message.Length)
                    {
                        throw new InvalidDataException($"Protobuf field {number} is cut short.");
                    }

                    fields.Add(new ProtoField(number, wireType, BinaryPrimitives.ReadUInt32LittleEndian(message.Slice(position, 4)), []));
                    position += 4;
                    break;
                default:
                    throw new InvalidDataException($"Protobuf field {number} has wire type {wireType}, which an ONNX model does not use at this level.");
            }
        }

        return fields;
    }

    private static ulong ReadVarint(ReadOnlySpan<byte> message, ref int position)
    {
        ulong value = 0;
        for (var shift = 0; shift < 64; shift += 7)
        {
            if (position >= message.Length)
            {
                throw new InvalidDataException("A protobuf varint is cut short.");
            }

            var b = message[position++];
            value |= (ulong)(b & 0x7F) << shift;
            if (b < 0x80)
            {
                return value;
            }
        }

        throw new InvalidDataException("A protobuf varint is longer than 10 bytes.");
    }
}

/// <summary>One field: its number, wire type, and value (numbers) or payload (length-delimited).</summary>
internal sealed record ProtoField(int Number, int WireType, ulong Value, byte[] Payload)
{
    public string Text => Encoding.UTF8.GetString(Payload);

    public void CopyTo(ProtoWriter writer)
    {
        ArgumentNullException.ThrowIfNull(writer);
        switch (WireType)
        {
            case ProtoFields.Varint:
                writer.Int64(Number, unchecked((long)Value));
                break;
            case ProtoFields.Fixed32:
                writer.Float(Number, BitConverter.UInt32BitsToSingle((uint)Value));
                break;
            default:
                writer.Bytes(Number, Payload);
                break;
        }
    }
}
