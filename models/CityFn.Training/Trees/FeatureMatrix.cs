namespace CityFn.Training.Trees;

/// <summary>Rows of float32 features (row-major, as the ONNX input) with one label per row.</summary>
public sealed class FeatureMatrix
{
    public FeatureMatrix(int features, float[] values, double[] labels)
    {
        ArgumentNullException.ThrowIfNull(values);
        ArgumentNullException.ThrowIfNull(labels);
        ArgumentOutOfRangeException.ThrowIfLessThan(features, 1);
        if (values.Length != labels.Length * features)
        {
            throw new ArgumentException($"{values.Length} values do not make {labels.Length} rows of {features} features.", nameof(values));
        }

        Features = features;
        Values = values;
        Labels = labels;
    }

    public int Features { get; }

    public int Rows => Labels.Length;

    public float[] Values { get; }

    public double[] Labels { get; }

    public ReadOnlySpan<float> Row(int row) => Values.AsSpan(row * Features, Features);

    /// <summary>The rows <paramref name="keep"/> accepts, in order, with labels from <paramref name="label"/> (default: their own).</summary>
    public FeatureMatrix Where(Func<int, bool> keep, Func<int, double>? label = null)
    {
        ArgumentNullException.ThrowIfNull(keep);
        var rows = Enumerable.Range(0, Rows).Where(keep).ToArray();
        var values = new float[rows.Length * Features];
        for (var i = 0; i < rows.Length; i++)
        {
            Row(rows[i]).CopyTo(values.AsSpan(i * Features, Features));
        }

        return new FeatureMatrix(Features, values, [.. rows.Select(r => label is null ? Labels[r] : label(r))]);
    }
}

/// <summary>Appends rows one at a time while a data set is generated.</summary>
public sealed class FeatureMatrixBuilder(int features)
{
    private readonly List<float> _values = [];
    private readonly List<double> _labels = [];

    public int Features { get; } = features;

    public int Rows => _labels.Count;

    public void Add(ReadOnlySpan<float> row, double label)
    {
        if (row.Length != Features)
        {
            throw new ArgumentException($"A row has {Features} features, got {row.Length}.", nameof(row));
        }

        foreach (var value in row)
        {
            _values.Add(value);
        }

        _labels.Add(label);
    }

    public FeatureMatrix Build() => new(Features, [.. _values], [.. _labels]);
}
