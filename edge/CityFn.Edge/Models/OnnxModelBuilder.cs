using System.Buffers.Binary;
using System.Text;

namespace CityFn.Edge.Models;

/// <summary>
/// Writes a small ONNX model (protobuf wire format, by hand) without Python: a two-layer MLP
/// <c>features float32[N,F] → MatMul+Add → Relu → MatMul+Add → Sigmoid → score float32[N,1]</c> with a
/// dynamic batch dimension, fixed weights, opset 17 and IR version 8. The tests, the benchmark and
/// <c>cityfn edge serve --demo-model</c> use it; <see cref="Evaluate"/> is the same MLP in plain C#.
/// </summary>
public sealed class TinyMlp
{
    public const string InputName = "features";
    public const string OutputName = "score";

    public TinyMlp(int features = 8, int hidden = 16)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(features, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(hidden, 1);
        Features = features;
        Hidden = hidden;
        // Fixed, irregular weights so that every input feature and hidden unit matters.
        W1 = Fill(features * hidden, i => MathF.Sin((i * 0.7f) + 0.3f) * 0.8f);
        B1 = Fill(hidden, i => MathF.Cos(i * 1.3f) * 0.1f);
        W2 = Fill(hidden, i => MathF.Sin((i * 1.9f) + 1.1f));
        B2 = [0.05f];
    }

    public int Features { get; }

    public int Hidden { get; }

    public float[] W1 { get; }

    public float[] B1 { get; }

    public float[] W2 { get; }

    public float[] B2 { get; }

    /// <summary>The MLP in plain C# (row-major [rows, Features] in, one score per row out).</summary>
    public float[] Evaluate(ReadOnlySpan<float> features)
    {
        var rows = features.Length / Features;
        var scores = new float[rows];
        var hidden = new float[Hidden];
        for (var r = 0; r < rows; r++)
        {
            var x = features.Slice(r * Features, Features);
            for (var h = 0; h < Hidden; h++)
            {
                var sum = 0f;
                for (var f = 0; f < Features; f++)
                {
                    sum += x[f] * W1[(f * Hidden) + h];
                }

                hidden[h] = MathF.Max(0f, sum + B1[h]);
            }

            var z = B2[0];
            for (var h = 0; h < Hidden; h++)
            {
                z += hidden[h] * W2[h];
            }

            scores[r] = 1f / (1f + MathF.Exp(-z));
        }

        return scores;
    }

    public byte[] ToOnnx()
    {
        var graph = new ProtoWriter();
        graph.Message(1, Node(["features", "W1"], ["h0"], "MatMul"));
        graph.Message(1, Node(["h0", "B1"], ["h1"], "Add"));
        graph.Message(1, Node(["h1"], ["h2"], "Relu"));
        graph.Message(1, Node(["h2", "W2"], ["z0"], "MatMul"));
        graph.Message(1, Node(["z0", "B2"], ["z1"], "Add"));
        graph.Message(1, Node(["z1"], [OutputName], "Sigmoid"));
        graph.String(2, "tiny_mlp");
        graph.Message(5, FloatTensor("W1", [Features, Hidden], W1));
        graph.Message(5, FloatTensor("B1", [Hidden], B1));
        graph.Message(5, FloatTensor("W2", [Hidden, 1], W2));
        graph.Message(5, FloatTensor("B2", [1], B2));
        graph.Message(11, FloatValueInfo(InputName, Features));
        graph.Message(12, FloatValueInfo(OutputName, 1));

        var opset = new ProtoWriter();
        opset.String(1, "");
        opset.Int64(2, 17);

        var model = new ProtoWriter();
        model.Int64(1, 8);
        model.String(2, "CityFn.Edge.TinyMlp");
        model.String(3, "1");
        model.Message(7, graph);
        model.Message(8, opset);
        return model.ToArray();
    }

    private static float[] Fill(int count, Func<int, float> value) => Enumerable.Range(0, count).Select(value).ToArray();

    private static ProtoWriter Node(string[] inputs, string[] outputs, string opType)
    {
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
        return node;
    }

    private static ProtoWriter FloatTensor(string name, long[] dims, float[] values)
    {
        var tensor = new ProtoWriter();
        foreach (var dim in dims)
        {
            tensor.Int64(1, dim);
        }

        tensor.Int64(2, 1); // TensorProto.DataType.FLOAT
        tensor.String(8, name);
        var raw = new byte[values.Length * sizeof(float)];
        for (var i = 0; i < values.Length; i++)
        {
            BinaryPrimitives.WriteSingleLittleEndian(raw.AsSpan(i * sizeof(float)), values[i]);
        }

        tensor.Bytes(9, raw);
        return tensor;
    }

    /// <summary>ValueInfoProto for float32 [N, columns] with a symbolic batch dimension "N".</summary>
    private static ProtoWriter FloatValueInfo(string name, long columns)
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

    /// <summary>The three protobuf wire types ONNX needs here: varint, length-delimited, nested message.</summary>
    private sealed class ProtoWriter
    {
        private readonly MemoryStream _buffer = new();

        public void Int64(int field, long value)
        {
            Varint((ulong)(field << 3));
            Varint((ulong)value);
        }

        public void String(int field, string value) => Bytes(field, Encoding.UTF8.GetBytes(value));

        public void Bytes(int field, byte[] value)
        {
            Varint((ulong)((field << 3) | 2));
            Varint((ulong)value.Length);
            _buffer.Write(value);
        }

        public void Message(int field, ProtoWriter message) => Bytes(field, message.ToArray());

        public byte[] ToArray() => _buffer.ToArray();

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
}
