using System.Buffers.Binary;
using System.Globalization;

namespace CityFn.Core.Onnx;

/// <summary>
/// The pieces of an ONNX ModelProto that CityFn writes by hand (field numbers from onnx.proto3): nodes with
/// attributes, initializer tensors, float32 [N, columns] inputs and outputs with a symbolic batch dimension "N",
/// opset imports and metadata entries.
/// </summary>
public static class OnnxGraph
{
    /// <summary>NodeProto: inputs (1), outputs (2), name (3), op type (4), attributes (5), domain (7).</summary>
    public static ProtoWriter Node(string opType, string[] inputs, string[] outputs, ProtoWriter[]? attributes = null, string domain = "")
    {
        ArgumentNullException.ThrowIfNull(inputs);
        ArgumentNullException.ThrowIfNull(outputs);
        var node = new ProtoWriter();
        foreach (var input in inputs)
        {
            node.String(1, input);
        }

        foreach (var output in outputs)
        {
            node.String(2, output);
        }

        node.String(3, outputs[0] + "_" + opType);
        node.String(4, opType);
        foreach (var attribute in attributes ?? [])
        {
            node.Message(5, attribute);
        }

        if (domain.Length > 0)
        {
            node.String(7, domain);
        }

        return node;
    }

    /// <summary>TensorProto of float32 (data type 1) with raw little-endian data.</summary>
    public static ProtoWriter FloatTensor(string name, long[] dims, float[] values)
    {
        ArgumentNullException.ThrowIfNull(values);
        var raw = new byte[values.Length * sizeof(float)];
        for (var i = 0; i < values.Length; i++)
        {
            BinaryPrimitives.WriteSingleLittleEndian(raw.AsSpan(i * sizeof(float)), values[i]);
        }

        return Tensor(name, dims, 1, raw);
    }

    /// <summary>TensorProto of int64 (data type 7) with raw little-endian data.</summary>
    public static ProtoWriter Int64Tensor(string name, long[] dims, long[] values)
    {
        ArgumentNullException.ThrowIfNull(values);
        var raw = new byte[values.Length * sizeof(long)];
        for (var i = 0; i < values.Length; i++)
        {
            BinaryPrimitives.WriteInt64LittleEndian(raw.AsSpan(i * sizeof(long)), values[i]);
        }

        return Tensor(name, dims, 7, raw);
    }

    /// <summary>ValueInfoProto for float32 [N, columns] with a symbolic batch dimension "N".</summary>
    public static ProtoWriter FloatValueInfo(string name, long columns)
    {
        var batch = new ProtoWriter();
        batch.String(2, "N");
        var width = new ProtoWriter();
        width.Int64(1, columns);
        var shape = new ProtoWriter();
        shape.Message(1, batch);
        shape.Message(1, width);
        var tensorType = new ProtoWriter();
        tensorType.Int64(1, 1);
        tensorType.Message(2, shape);
        var type = new ProtoWriter();
        type.Message(1, tensorType);
        var info = new ProtoWriter();
        info.String(1, name);
        info.Message(2, type);
        return info;
    }

    /// <summary>OperatorSetIdProto: domain (1, "" is ai.onnx), version (2).</summary>
    public static ProtoWriter Opset(string domain, long version)
    {
        var opset = new ProtoWriter();
        opset.String(1, domain);
        opset.Int64(2, version);
        return opset;
    }

    /// <summary>StringStringEntryProto for ModelProto.metadata_props (field 14).</summary>
    public static ProtoWriter Metadata(string key, string value)
    {
        var entry = new ProtoWriter();
        entry.String(1, key);
        entry.String(2, value);
        return entry;
    }

    private static ProtoWriter Tensor(string name, long[] dims, long dataType, byte[] raw)
    {
        var tensor = new ProtoWriter();
        tensor.PackedInt64(1, dims);
        tensor.Int64(2, dataType);
        tensor.String(8, name);
        tensor.Bytes(9, raw);
        return tensor;
    }

    /// <summary>Invariant text for metadata values.</summary>
    public static string Invariant(int value) => value.ToString(CultureInfo.InvariantCulture);
}
