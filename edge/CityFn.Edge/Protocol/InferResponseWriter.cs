using System.Buffers;
using System.Buffers.Binary;
using System.Text.Json;
using CityFn.Edge.Batching;

namespace CityFn.Edge.Protocol;

/// <summary>
/// Writes an OIP v2 infer response. Outputs asked for as binary carry <c>parameters.binary_data_size</c>
/// and follow the JSON header in output order; the header's length goes in <c>Inference-Header-Content-Length</c>.
/// </summary>
public static class InferResponseWriter
{
    public sealed record Written(byte[] Body, int? JsonHeaderLength);

    public static Written Write(string modelName, string modelVersion, string id, IReadOnlyList<(InferenceOutput Output, bool Binary)> outputs)
    {
        ArgumentNullException.ThrowIfNull(outputs);
        var json = new ArrayBufferWriter<byte>(256);
        using (var writer = new Utf8JsonWriter(json))
        {
            writer.WriteStartObject();
            writer.WriteString("model_name", modelName);
            writer.WriteString("model_version", modelVersion);
            writer.WriteString("id", id);
            writer.WriteStartArray("outputs");
            foreach (var (output, binary) in outputs)
            {
                writer.WriteStartObject();
                writer.WriteString("name", output.Spec.Name);
                writer.WriteString("datatype", output.Spec.DataType.Name);
                writer.WriteStartArray("shape");
                foreach (var dim in output.Shape)
                {
                    writer.WriteNumberValue(dim);
                }

                writer.WriteEndArray();
                if (binary)
                {
                    writer.WriteStartObject("parameters");
                    writer.WriteNumber("binary_data_size", output.Data.Length);
                    writer.WriteEndObject();
                }
                else
                {
                    writer.WriteStartArray("data");
                    WriteData(writer, output);
                    writer.WriteEndArray();
                }

                writer.WriteEndObject();
            }

            writer.WriteEndArray();
            writer.WriteEndObject();
        }

        var binaryLength = outputs.Where(o => o.Binary).Sum(o => o.Output.Data.Length);
        if (binaryLength == 0 && !outputs.Any(o => o.Binary))
        {
            return new Written(json.WrittenSpan.ToArray(), null);
        }

        var body = new byte[json.WrittenCount + binaryLength];
        json.WrittenSpan.CopyTo(body);
        var offset = json.WrittenCount;
        foreach (var (output, binary) in outputs)
        {
            if (binary)
            {
                output.Data.CopyTo(body, offset);
                offset += output.Data.Length;
            }
        }

        return new Written(body, json.WrittenCount);
    }

    private static void WriteData(Utf8JsonWriter writer, InferenceOutput output)
    {
        var data = output.Data.AsSpan();
        var size = output.Spec.DataType.Size;
        for (var offset = 0; offset < data.Length; offset += size)
        {
            var value = data.Slice(offset, size);
            switch (output.Spec.DataType.Name)
            {
                case "BOOL":
                    writer.WriteBooleanValue(value[0] != 0);
                    break;
                case "UINT8":
                    writer.WriteNumberValue(value[0]);
                    break;
                case "INT8":
                    writer.WriteNumberValue(unchecked((sbyte)value[0]));
                    break;
                case "INT32":
                    writer.WriteNumberValue(BinaryPrimitives.ReadInt32LittleEndian(value));
                    break;
                case "INT64":
                    writer.WriteNumberValue(BinaryPrimitives.ReadInt64LittleEndian(value));
                    break;
                case "FP32":
                    writer.WriteNumberValue(BinaryPrimitives.ReadSingleLittleEndian(value));
                    break;
                default:
                    writer.WriteNumberValue(BinaryPrimitives.ReadDoubleLittleEndian(value));
                    break;
            }
        }
    }
}
