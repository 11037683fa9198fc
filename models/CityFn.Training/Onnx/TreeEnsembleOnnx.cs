using CityFn.Core.Onnx;
using CityFn.Training.Trees;
using static CityFn.Core.Onnx.OnnxGraph;

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
            AddFeature(graph, "margin", linkColumn, outputName);
        }
        else
        {
            graph.Message(1, Node("Sigmoid", ["margin"], [outputName]));
        }

        return Model(graph, featureNames, featureVersion, outputName, graphName, description);
    }

    /// <summary>
    /// Writes a regime switch: <c>features</c> → three <c>TreeEnsembleRegressor</c>s (a classifier's logit and one
    /// regressor per regime) → <c>Where(logit &lt; 0, whenNegative, whenPositive)</c> + <c>features[:, linkColumn]</c>.
    /// </summary>
    public static byte[] WriteSwitch(
        TreeEnsemble classifier,
        TreeEnsemble whenPositive,
        TreeEnsemble whenNegative,
        IReadOnlyList<string> featureNames,
        int featureVersion,
        string outputName,
        int linkColumn,
        string graphName,
        string description)
    {
        ArgumentNullException.ThrowIfNull(classifier);
        ArgumentNullException.ThrowIfNull(whenPositive);
        ArgumentNullException.ThrowIfNull(whenNegative);
        ArgumentNullException.ThrowIfNull(featureNames);
        var graph = new ProtoWriter();
        graph.Message(1, TreesNode(classifier, "logit"));
        graph.Message(1, TreesNode(whenPositive, "positive_margin"));
        graph.Message(1, TreesNode(whenNegative, "negative_margin"));
        graph.Message(1, Node("Less", ["logit", "zero"], ["negative"]));
        graph.Message(1, Node("Where", ["negative", "negative_margin", "positive_margin"], ["margin"]));
        graph.Message(5, FloatTensor("zero", [1], [0f]));
        AddFeature(graph, "margin", linkColumn, outputName);
        return Model(graph, featureNames, featureVersion, outputName, graphName, description);
    }

    /// <summary>output = margin + features[:, column].</summary>
    private static void AddFeature(ProtoWriter graph, string margin, int column, string outputName)
    {
        graph.Message(1, Node("Gather", [InputName, "link_column"], ["link_value"], [OnnxAttribute.Int("axis", 1)]));
        graph.Message(1, Node("Add", [margin, "link_value"], [outputName]));
        graph.Message(5, Int64Tensor("link_column", [1], [column]));
    }

    private static byte[] Model(ProtoWriter graph, IReadOnlyList<string> featureNames, int featureVersion, string outputName, string graphName, string description)
    {
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
        model.Message(14, Metadata("feature_version", Invariant(featureVersion)));
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
                OnnxAttribute.Int("n_targets", 1),
                OnnxAttribute.String("aggregate_function", "SUM"),
                OnnxAttribute.String("post_transform", "NONE"),
                OnnxAttribute.Floats("base_values", [(float)ensemble.BaseScore]),
                OnnxAttribute.Ints("nodes_treeids", treeIds),
                OnnxAttribute.Ints("nodes_nodeids", nodeIds),
                OnnxAttribute.Ints("nodes_featureids", featureIds),
                OnnxAttribute.Strings("nodes_modes", modes),
                OnnxAttribute.Floats("nodes_values", values),
                OnnxAttribute.Ints("nodes_truenodeids", trueIds),
                OnnxAttribute.Ints("nodes_falsenodeids", falseIds),
                OnnxAttribute.Ints("target_treeids", targetTreeIds),
                OnnxAttribute.Ints("target_nodeids", targetNodeIds),
                OnnxAttribute.Ints("target_ids", targetTreeIds.Select(_ => 0L)),
                OnnxAttribute.Floats("target_weights", targetWeights),
            ],
            "ai.onnx.ml");
    }
}
