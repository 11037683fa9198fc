using CityFn.Core.Onnx;

namespace CityFn.Cli.Demo;

/// <summary>
/// The misbehaving host's model: a copy of an honest ONNX model whose output is multiplied by a constant
/// (<see cref="Factor"/>), so its answers are plausible (same shape, same range, a bit lower) and validly
/// signed, but wrong. The honest graph is kept byte for byte; only the node producing the output is
/// renamed to write <c>&lt;output&gt;_honest</c>, and a <c>Mul</c> node and its constant are appended:
/// <c>output = output_honest × factor</c>. Protobuf fields are copied as they are, so any model works,
/// whatever operators it uses (tree ensembles included).
/// </summary>
internal static class TamperedModel
{
    /// <summary>Under-reports every score by 25 %: a sensor's fault probability, a congestion probability or a speed.</summary>
    public const float Factor = 0.75f;

    // ModelProto.graph = 7; GraphProto.node = 1, GraphProto.initializer = 5; NodeProto.output = 2.
    private const int ModelGraphField = 7;
    private const int GraphNodeField = 1;
    private const int GraphInitializerField = 5;
    private const int NodeOutputField = 2;

    public static byte[] Tamper(byte[] model, string outputName)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentException.ThrowIfNullOrEmpty(outputName);
        var renamed = false;
        var honest = outputName + "_honest";
        var modelOut = new ProtoWriter();
        foreach (var field in ProtoFields.Read(model))
        {
            if (field is not { Number: ModelGraphField, WireType: ProtoFields.LengthDelimited })
            {
                field.CopyTo(modelOut);
                continue;
            }

            var graphOut = new ProtoWriter();
            foreach (var graphField in ProtoFields.Read(field.Payload))
            {
                if (graphField is not { Number: GraphNodeField, WireType: ProtoFields.LengthDelimited })
                {
                    graphField.CopyTo(graphOut);
                    continue;
                }

                var nodeOut = new ProtoWriter();
                foreach (var nodeField in ProtoFields.Read(graphField.Payload))
                {
                    if (nodeField is { Number: NodeOutputField, WireType: ProtoFields.LengthDelimited } && nodeField.Text == outputName)
                    {
                        nodeOut.String(NodeOutputField, honest);
                        renamed = true;
                    }
                    else
                    {
                        nodeField.CopyTo(nodeOut);
                    }
                }

                graphOut.Message(GraphNodeField, nodeOut);
            }

            graphOut.Message(GraphNodeField, OnnxGraph.Node("Mul", [honest, "cityfn_tamper_factor"], [outputName]));
            graphOut.Message(GraphInitializerField, OnnxGraph.FloatTensor("cityfn_tamper_factor", [1], [Factor]));
            modelOut.Message(ModelGraphField, graphOut);
        }

        return renamed ? modelOut.ToArray() : throw new InvalidDataException($"No node of the model writes the output \"{outputName}\".");
    }
}
