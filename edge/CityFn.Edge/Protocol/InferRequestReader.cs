using System.Buffers.Binary;
using System.Globalization;
using System.Text.Json;
using CityFn.Edge.Models;

namespace CityFn.Edge.Protocol;

/// <summary>
/// Parses an OIP v2 infer request body: JSON alone, or (binary tensor data extension) a JSON header of
/// <c>Inference-Header-Content-Length</c> bytes followed by the inputs' raw bytes in input order, each
/// input saying its size in <c>parameters.binary_data_size</c>.
/// </summary>
public static class InferRequestReader
{
    public const string HeaderLengthHeader = "Inference-Header-Content-Length";

    public static InferRequest Read(byte[] body, int? jsonHeaderLength)
    {
        ArgumentNullException.ThrowIfNull(body);
        var jsonLength = jsonHeaderLength ?? body.Length;
        if (jsonLength < 0 || jsonLength > body.Length)
        {
            throw BadRequest($"{HeaderLengthHeader} is {jsonLength} but the body has {body.Length} bytes.");
        }

        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(body.AsMemory(0, jsonLength));
        }
        catch (JsonException exception)
        {
            throw BadRequest($"The request is not valid JSON: {exception.Message}");
        }

        using (document)
        {
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                throw BadRequest("The request must be a JSON object.");
            }

            var id = root.TryGetProperty("id", out var idElement) ? idElement.ValueKind == JsonValueKind.String ? idElement.GetString() : throw BadRequest("id must be a string.") : null;
            if (!root.TryGetProperty("inputs", out var inputsElement) || inputsElement.ValueKind != JsonValueKind.Array || inputsElement.GetArrayLength() == 0)
            {
                throw BadRequest("The request must have a non-empty \"inputs\" array.");
            }

            var binaryOffset = jsonLength;
            var inputs = new List<RequestInput>();
            foreach (var input in inputsElement.EnumerateArray())
            {
                inputs.Add(ReadInput(input, body, ref binaryOffset));
            }

            if (binaryOffset != body.Length)
            {
                throw BadRequest($"The body has {body.Length - binaryOffset} bytes of binary data that no input's binary_data_size accounts for.");
            }

            var binaryOutputs = root.TryGetProperty("parameters", out var parameters) && BoolParameter(parameters, "binary_data_output");
            List<RequestedOutput>? outputs = null;
            if (root.TryGetProperty("outputs", out var outputsElement))
            {
                if (outputsElement.ValueKind != JsonValueKind.Array)
                {
                    throw BadRequest("\"outputs\" must be an array.");
                }

                outputs = [];
                foreach (var output in outputsElement.EnumerateArray())
                {
                    var name = RequiredString(output, "name", "each output");
                    var binary = output.TryGetProperty("parameters", out var outputParameters) ? BoolParameter(outputParameters, "binary_data") : binaryOutputs;
                    outputs.Add(new RequestedOutput(name, binary));
                }
            }

            return new InferRequest(id, inputs, outputs, binaryOutputs);
        }
    }

    private static RequestInput ReadInput(JsonElement input, byte[] body, ref int binaryOffset)
    {
        var name = RequiredString(input, "name", "each input");
        var datatypeName = RequiredString(input, "datatype", $"input {name}");
        if (!input.TryGetProperty("shape", out var shapeElement) || shapeElement.ValueKind != JsonValueKind.Array)
        {
            throw BadRequest($"Input {name} must have a \"shape\" array.");
        }

        var shape = new long[shapeElement.GetArrayLength()];
        var index = 0;
        foreach (var dim in shapeElement.EnumerateArray())
        {
            if (dim.ValueKind != JsonValueKind.Number || !dim.TryGetInt64(out var value) || value < 0)
            {
                throw BadRequest($"Input {name}: shape must hold non-negative integers.");
            }

            shape[index++] = value;
        }

        var dataType = TensorDataType.FromName(datatypeName)
            ?? throw BadRequest($"Input {name}: datatype {datatypeName} is not served here (BOOL, UINT8, INT8, INT32, INT64, FP32, FP64).");
        long elements = 1;
        foreach (var dim in shape)
        {
            elements = checked(elements * dim);
        }

        var byteLength = elements * dataType.Size;
        if (input.TryGetProperty("parameters", out var parameters) && parameters.ValueKind == JsonValueKind.Object
            && parameters.TryGetProperty("binary_data_size", out var sizeElement))
        {
            if (!sizeElement.TryGetInt64(out var size) || size < 0 || size > body.Length - binaryOffset)
            {
                throw BadRequest($"Input {name}: binary_data_size {sizeElement} does not fit in the {body.Length - binaryOffset} bytes left after the JSON header.");
            }

            if (size != byteLength)
            {
                throw BadRequest($"Input {name}: binary_data_size is {size} bytes but shape [{string.Join(",", shape)}] of {datatypeName} needs {byteLength}.");
            }

            var data = body.AsMemory(binaryOffset, (int)size);
            binaryOffset += (int)size;
            return new RequestInput(name, datatypeName, shape, data);
        }

        if (!input.TryGetProperty("data", out var dataElement) || dataElement.ValueKind != JsonValueKind.Array)
        {
            throw BadRequest($"Input {name} must have a \"data\" array (or parameters.binary_data_size with binary data).");
        }

        var bytes = new byte[byteLength];
        var written = 0L;
        WriteElements(dataElement, dataType, bytes, ref written, name);
        if (written != elements)
        {
            throw BadRequest($"Input {name}: data holds {(written > elements ? "more than " + elements.ToString(CultureInfo.InvariantCulture) : written.ToString(CultureInfo.InvariantCulture))} elements but shape [{string.Join(",", shape)}] needs {elements}.");
        }

        return new RequestInput(name, datatypeName, shape, bytes);
    }

    /// <summary>Writes the (possibly nested, row-major) JSON array's elements as little-endian bytes.</summary>
    private static void WriteElements(JsonElement array, TensorDataType type, byte[] bytes, ref long written, string name)
    {
        foreach (var element in array.EnumerateArray())
        {
            if (element.ValueKind == JsonValueKind.Array)
            {
                WriteElements(element, type, bytes, ref written, name);
                continue;
            }

            if ((written + 1) * type.Size > bytes.Length)
            {
                written = long.MaxValue - 1;
                return;
            }

            var span = bytes.AsSpan((int)(written * type.Size), type.Size);
            if (!TryWrite(element, type, span))
            {
                throw BadRequest($"Input {name}: {element.GetRawText()} is not a {type.Name} value.");
            }

            written++;
        }
    }

    private static bool TryWrite(JsonElement element, TensorDataType type, Span<byte> destination)
    {
        if (type == TensorDataType.Bool)
        {
            if (element.ValueKind is not (JsonValueKind.True or JsonValueKind.False))
            {
                return false;
            }

            destination[0] = element.GetBoolean() ? (byte)1 : (byte)0;
            return true;
        }

        if (element.ValueKind != JsonValueKind.Number)
        {
            return false;
        }

        switch (type.Name)
        {
            case "UINT8" when element.TryGetByte(out var u8):
                destination[0] = u8;
                return true;
            case "INT8" when element.TryGetSByte(out var i8):
                destination[0] = unchecked((byte)i8);
                return true;
            case "INT32" when element.TryGetInt32(out var i32):
                BinaryPrimitives.WriteInt32LittleEndian(destination, i32);
                return true;
            case "INT64" when element.TryGetInt64(out var i64):
                BinaryPrimitives.WriteInt64LittleEndian(destination, i64);
                return true;
            case "FP32" when element.TryGetSingle(out var f32):
                BinaryPrimitives.WriteSingleLittleEndian(destination, f32);
                return true;
            case "FP64" when element.TryGetDouble(out var f64):
                BinaryPrimitives.WriteDoubleLittleEndian(destination, f64);
                return true;
            default:
                return false;
        }
    }

    private static bool BoolParameter(JsonElement parameters, string name) =>
        parameters.ValueKind == JsonValueKind.Object && parameters.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.True;

    private static string RequiredString(JsonElement element, string property, string what)
    {
        if (element.ValueKind != JsonValueKind.Object || !element.TryGetProperty(property, out var value) || value.ValueKind != JsonValueKind.String)
        {
            throw BadRequest($"{char.ToUpperInvariant(what[0])}{what[1..]} must have a string \"{property}\".");
        }

        return value.GetString()!;
    }

    private static ProtocolException BadRequest(string message) => new(400, message);
}
