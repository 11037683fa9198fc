using System.Buffers.Binary;
using CityFn.Training.Trees;

namespace CityFn.Training.Onnx;

/// <summary>What the graph does with the trees' summed margin before it becomes the output.</summary>
public enum OutputLink
{
    /// <summary>output = margin + features[:, column]: the trees forecast a change from an input feature.</summary>
    AddFeature,

    /// <summary>output = sigmoid(margin): a probability.</summary>
    Sigmoid,
}

/// <summary>
/// Writes a <see cref="TreeEnsemble"/> as an ONNX model: <c>features float32[N,F]</c> →
/// <c>ai.onnx.ml.TreeEnsembleRegressor</c> → the link → <c>&lt;output&gt; float32[N,1]</c>, with a dynamic
/// batch dimension "N", IR version 8, opsets ai.onnx 17 and ai.onnx.ml 3, and the feature names and feature
/// version in the model's metadata so a server can check it feeds the right vector.
/// </summary>
public static class TreeEnsembleOnnx
{
    public const string InputName = "features";

    public static byte[] Write(
        TreeEnsemble ensemble,
        IReadOnlyList<string> featureNames,
        int featureVersion,
        string outputName,
        OutputLink link,
        int linkColumn,
        string graphName,
        string description)
    {
        ArgumentNullException.ThrowIfNull(ensemble);
        ArgumentNullException.ThrowIfNull(featureNames);
        var graph = new ProtoWriter();
        graph.Message(1, TreesNode(ensemble, "margin"));
        if (link == OutputLink.AddFeature)
        {
            graph.Message(1, Node("Gather", [InputName, "link_column"], ["link_value"], [Attribute.Int("axis", 1)]));
            graph.Message(1, Node("Add", ["margin", "link_value"], [outputName], []));
            graph.Message(5, Int64Tensor("link_column", [1], [linkColumn]));
        }
        else
        {
            graph.Message(1, Node("Sigmoid", ["margin"], [outputName], []));
        }

        graph.String(2, graphName);
        graph.String(10, description);
        graph.Message(11, FloatValueInfo(InputName, featureNames.Count));
        graph.Message(12, FloatValueInfo(outputName, 1));

        var model = new ProtoWriter();
        model.Int64(1, 8);
        model.String(2, "CityFn.Training");
        model.String(3, "1");
        model.String(6, description);
        model.Message(7, graph);
        model.Message(8, Opset("", 17));
        model.Message(8, Opset("ai.onnx.ml", 3));
        model.Message(14, Metadata("feature_names", string.Join(',', featureNames)));
        model.Message(14, Metadata("feature_version", featureVersion.ToString(System.Globalization.CultureInfo.InvariantCulture)));
        return model.ToArray();
    }

    private static ProtoWriter TreesNode(TreeEnsemble ensemble, string output)
    {
        var treeIds = new List<long>();
        var nodeIds = new List<long>();
        var featureIds = new List<long>();
        var modes = new List<string>();
        var values = new List<float>();
        var trueIds = new List<long>();
        var falseIds = new List<long>();
        var targetTreeIds = new List<long>();
        var targetNodeIds = new List<long>();
        var targetWeights = new List<float>();
        for (var t = 0; t < ensemble.Trees.Count; t++)
        {
            var tree = ensemble.Trees[t];
            for (var n = 0; n < tree.Nodes; n++)
            {
                treeIds.Add(t);
                nodeIds.Add(n);
                var leaf = tree.Feature[n] < 0;
                featureIds.Add(leaf ? 0 : tree.Feature[n]);
                modes.Add(leaf ? "LEAF" : "BRANCH_LEQ");
                values.Add(leaf ? 0 : tree.Threshold[n]);
                trueIds.Add(leaf ? 0 : tree.Left[n]);
                falseIds.Add(leaf ? 0 : tree.Right[n]);
                if (leaf)
                {
                    targetTreeIds.Add(t);
                    targetNodeIds.Add(n);
                    targetWeights.Add((float)tree.Value[n]);
                }
            }
        }

        return Node(
            "TreeEnsembleRegressor",
            [InputName],
            [output],
            [
                Attribute.Int("n_targets", 1),
                Attribute.String("aggregate_function", "SUM"),
                Attribute.String("post_transform", "NONE"),
                Attribute.Floats("base_values", [(float)ensemble.BaseScore]),
                Attribute.Ints("nodes_treeids", treeIds),
                Attribute.Ints("nodes_nodeids", nodeIds),
                Attribute.Ints("nodes_featureids", featureIds),
                Attribute.Strings("nodes_modes", modes),
                Attribute.Floats("nodes_values", values),
                Attribute.Ints("nodes_truenodeids", trueIds),
                Attribute.Ints("nodes_falsenodeids", falseIds),
                Attribute.Ints("target_treeids", targetTreeIds),
                Attribute.Ints("target_nodeids", targetNodeIds),
                Attribute.Ints("target_ids", targetTreeIds.Select(_ => 0L)),
                Attribute.Floats("target_weights", targetWeights),
            ],
            "ai.onnx.ml");
    }

    private static ProtoWriter Node(string opType, string[] inputs, string[] outputs, ProtoWriter[] attributes, string domain = "")
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
        foreach (var attribute in attributes)
        {
            node.Message(5, attribute);
        }

        if (domain.Length > 0)
        {
            node.String(7, domain);
        }

        return node;
    }

    private static ProtoWriter Int64Tensor(string name, long[] dims, long[] values)
    {
        var tensor = new ProtoWriter();
        tensor.PackedInt64(1, dims);
        tensor.Int64(2, 7); // TensorProto.DataType.INT64
        tensor.String(8, name);
        var raw = new byte[values.Length * sizeof(long)];
        for (var i = 0; i < values.Length; i++)
        {
            BinaryPrimitives.WriteInt64LittleEndian(raw.AsSpan(i * sizeof(long)), values[i]);
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

    private static ProtoWriter Opset(string domain, long version)
    {
        var opset = new ProtoWriter();
        opset.String(1, domain);
        opset.Int64(2, version);
        return opset;
    }

    private static ProtoWriter Metadata(string key, string value)
    {
        var entry = new ProtoWriter();
        entry.String(1, key);
        entry.String(2, value);
        return entry;
    }

    /// <summary>AttributeProto: name (1), f (2), i (3), s (4), floats (7), ints (8), strings (9), type (20).</summary>
    private static class Attribute
    {
        public static ProtoWriter Int(string name, long value) => Build(name, 2, a => a.Int64(3, value));

        public static ProtoWriter String(string name, string value) => Build(name, 3, a => a.String(4, value));

        public static ProtoWriter Floats(string name, IEnumerable<float> values) => Build(name, 6, a => a.PackedFloat(7, values));

        public static ProtoWriter Ints(string name, IEnumerable<long> values) => Build(name, 7, a => a.PackedInt64(8, values));

        public static ProtoWriter Strings(string name, IEnumerable<string> values) => Build(name, 8, a =>
        {
            foreach (var value in values)
            {
                a.String(9, value);
            }
        });

        private static ProtoWriter Build(string name, long type, Action<ProtoWriter> write)
        {
            var attribute = new ProtoWriter();
            attribute.String(1, name);
            write(attribute);
            attribute.Int64(20, type);
            return attribute;
        }
    }
}
