namespace CityFn.Training.Trees;

/// <summary>
/// One binary tree as flat arrays, the way ONNX's TreeEnsembleRegressor stores it: node i is a leaf when
/// <see cref="Feature"/>[i] is -1; otherwise rows with <c>x[Feature] &lt;= Threshold</c> go to <see cref="Left"/>.
/// Thresholds are float32 feature values, so the comparison is exact in ONNX Runtime too.
/// </summary>
public sealed class RegressionTree(int[] feature, float[] threshold, int[] left, int[] right, double[] value)
{
    public int[] Feature { get; } = feature;

    public float[] Threshold { get; } = threshold;

    public int[] Left { get; } = left;

    public int[] Right { get; } = right;

    public double[] Value { get; } = value;

    public int Nodes => Feature.Length;

    public double Predict(ReadOnlySpan<float> row)
    {
        var node = 0;
        while (Feature[node] >= 0)
        {
            node = row[Feature[node]] <= Threshold[node] ? Left[node] : Right[node];
        }

        return Value[node];
    }
}

/// <summary>A sum of trees plus a base score (the raw margin; the model's output layer applies any link).</summary>
public sealed class TreeEnsemble(double baseScore, IReadOnlyList<RegressionTree> trees)
{
    public double BaseScore { get; } = baseScore;

    public IReadOnlyList<RegressionTree> Trees { get; } = trees;

    public double Predict(ReadOnlySpan<float> row)
    {
        var sum = BaseScore;
        foreach (var tree in Trees)
        {
            sum += tree.Predict(row);
        }

        return sum;
    }
}
