using CityFn.Core.Onnx;
using static CityFn.Core.Onnx.OnnxGraph;

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
        graph.Message(1, Node("MatMul", ["features", "W1"], ["h0"]));
        graph.Message(1, Node("Add", ["h0", "B1"], ["h1"]));
        graph.Message(1, Node("Relu", ["h1"], ["h2"]));
        graph.Message(1, Node("MatMul", ["h2", "W2"], ["z0"]));
        graph.Message(1, Node("Add", ["z0", "B2"], ["z1"]));
        graph.Message(1, Node("Sigmoid", ["z1"], [OutputName]));
        graph.String(2, "tiny_mlp");
        graph.Message(5, FloatTensor("W1", [Features, Hidden], W1));
        graph.Message(5, FloatTensor("B1", [Hidden], B1));
        graph.Message(5, FloatTensor("W2", [Hidden, 1], W2));
        graph.Message(5, FloatTensor("B2", [1], B2));
        graph.Message(11, FloatValueInfo(InputName, Features));
        graph.Message(12, FloatValueInfo(OutputName, 1));

        var model = new ProtoWriter();
        model.Int64(1, 8);
        model.String(2, "CityFn.Edge.TinyMlp");
        model.String(3, "1");
        model.Message(7, graph);
        model.Message(8, Opset("", 17));
        return model.ToArray();
    }

    private static float[] Fill(int count, Func<int, float> value) => Enumerable.Range(0, count).Select(value).ToArray();
}
