namespace CityFn.Training.Trees;

/// <summary>
/// Per-feature split candidates: up to <c>maxBins - 1</c> thresholds taken from the training values
/// themselves (quantiles of the distinct float32 values), so a split "x &lt;= threshold" means the same in
/// training and in ONNX Runtime. Bin b of a value x is the first threshold index with x &lt;= threshold.
/// </summary>
public sealed class FeatureBins
{
    private FeatureBins(float[][] thresholds) => Thresholds = thresholds;

    public float[][] Thresholds { get; }

    public int Features => Thresholds.Length;

    public int BinCount(int feature) => Thresholds[feature].Length + 1;

    public static FeatureBins Build(FeatureMatrix data, int maxBins)
    {
        ArgumentNullException.ThrowIfNull(data);
        var thresholds = new float[data.Features][];
        // A fixed stride over at most 200k rows keeps binning cheap and deterministic.
        var stride = Math.Max(1, data.Rows / 200_000);
        for (var f = 0; f < data.Features; f++)
        {
            var values = new List<float>();
            for (var r = 0; r < data.Rows; r += stride)
            {
                values.Add(data.Values[(r * data.Features) + f]);
            }

            values.Sort();
            var distinct = new List<float>();
            var counts = new List<int>();
            foreach (var value in values)
            {
                if (distinct.Count > 0 && distinct[^1] == value)
                {
                    counts[^1]++;
                }
                else
                {
                    distinct.Add(value);
                    counts.Add(1);
                }
            }

            var chosen = new List<float>();
            if (distinct.Count <= maxBins)
            {
                chosen.AddRange(distinct.Take(distinct.Count - 1));
            }
            else
            {
                // Walk the cumulative count and cut whenever another 1/maxBins of the rows has passed.
                var perBin = (double)values.Count / maxBins;
                var seen = 0;
                var next = perBin;
                for (var i = 0; i < distinct.Count - 1; i++)
                {
                    seen += counts[i];
                    if (seen >= next)
                    {
                        chosen.Add(distinct[i]);
                        while (next <= seen)
                        {
                            next += perBin;
                        }
                    }
                }
            }

            thresholds[f] = [.. chosen];
        }

        return new FeatureBins(thresholds);
    }

    /// <summary>The bin of every value, one byte column per feature.</summary>
    public byte[][] Apply(FeatureMatrix data)
    {
        ArgumentNullException.ThrowIfNull(data);
        var columns = new byte[data.Features][];
        Parallel.For(0, data.Features, f =>
        {
            var column = new byte[data.Rows];
            var thresholds = Thresholds[f];
            for (var r = 0; r < data.Rows; r++)
            {
                column[r] = (byte)Bin(thresholds, data.Values[(r * data.Features) + f]);
            }

            columns[f] = column;
        });
        return columns;
    }

    private static int Bin(float[] thresholds, float value)
    {
        // NaN never occurs: features are finite by construction; treat it as the last bin anyway.
        var low = 0;
        var high = thresholds.Length;
        while (low < high)
        {
            var mid = (low + high) / 2;
            if (value <= thresholds[mid])
            {
                high = mid;
            }
            else
            {
                low = mid + 1;
            }
        }

        return low;
    }
}
