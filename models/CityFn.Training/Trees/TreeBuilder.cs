namespace CityFn.Training.Trees;

/// <summary>
/// Grows one tree leaf-wise: always splits the leaf with the largest gain, until <c>MaxLeaves</c> or no
/// split gains. Histograms of gradient sums per bin; the larger child's histogram is the parent's minus the
/// smaller child's.
/// </summary>
internal sealed class TreeBuilder(FeatureBins bins, byte[][] binned, GradientBoostingOptions options)
{
    /// <summary>
    /// Grows a tree on the <paramref name="sample"/> rows. Each leaf's value is the Newton step of its gradient and
    /// hessian sums, or, when <paramref name="residuals"/> is given (absolute-error loss), the median of its rows' residuals.
    /// </summary>
    public BuiltTree Build(int[] sample, double[] gradient, double[] hessian, double[]? residuals = null)
    {
        var indices = (int[])sample.Clone();
        var scratch = new int[indices.Length];
        var feature = new List<int> { -1 };
        var threshold = new List<float> { 0 };
        var splitBin = new List<int> { 0 };
        var left = new List<int> { 0 };
        var right = new List<int> { 0 };
        var root = new Leaf(0, 0, indices.Length, BuildHistogram(indices, 0, indices.Length, gradient, hessian));
        FindSplit(root);
        var leaves = new List<Leaf> { root };
        while (leaves.Count < options.MaxLeaves)
        {
            var best = -1;
            for (var i = 0; i < leaves.Count; i++)
            {
                if (leaves[i].Gain > 1e-12 && (best < 0 || leaves[i].Gain > leaves[best].Gain))
                {
                    best = i;
                }
            }

            if (best < 0)
            {
                break;
            }

            var parent = leaves[best];
            var column = binned[parent.Feature];
            var leftCount = 0;
            var rightCount = 0;
            for (var i = parent.Start; i < parent.Start + parent.Count; i++)
            {
                var row = indices[i];
                if (column[row] <= parent.Bin)
                {
                    indices[parent.Start + leftCount++] = row;
                }
                else
                {
                    scratch[rightCount++] = row;
                }
            }

            Array.Copy(scratch, 0, indices, parent.Start + leftCount, rightCount);
            var leftId = feature.Count;
            var rightId = leftId + 1;
            for (var i = 0; i < 2; i++)
            {
                feature.Add(-1);
                threshold.Add(0);
                splitBin.Add(0);
                left.Add(0);
                right.Add(0);
            }

            feature[parent.Node] = parent.Feature;
            threshold[parent.Node] = bins.Thresholds[parent.Feature][parent.Bin];
            splitBin[parent.Node] = parent.Bin;
            left[parent.Node] = leftId;
            right[parent.Node] = rightId;

            var leftStart = parent.Start;
            var rightStart = parent.Start + leftCount;
            Histogram leftHistogram;
            Histogram rightHistogram;
            if (leftCount <= rightCount)
            {
                leftHistogram = BuildHistogram(indices, leftStart, leftCount, gradient, hessian);
                rightHistogram = parent.Histogram.Minus(leftHistogram);
            }
            else
            {
                rightHistogram = BuildHistogram(indices, rightStart, rightCount, gradient, hessian);
                leftHistogram = parent.Histogram.Minus(rightHistogram);
            }

            var leftLeaf = new Leaf(leftId, leftStart, leftCount, leftHistogram);
            var rightLeaf = new Leaf(rightId, rightStart, rightCount, rightHistogram);
            FindSplit(leftLeaf);
            FindSplit(rightLeaf);
            leaves[best] = leftLeaf;
            leaves.Add(rightLeaf);
        }

        var value = new double[feature.Count];
        foreach (var leaf in leaves)
        {
            var (g, h) = leaf.Histogram.Totals();
            var step = residuals is null ? -g / (h + options.L2) : Median(residuals, indices.AsSpan(leaf.Start, leaf.Count));
            if (options.MaxLeafStep > 0)
            {
                step = Math.Clamp(step, -options.MaxLeafStep, options.MaxLeafStep);
            }

            value[leaf.Node] = step * options.LearningRate;
        }

        var tree = new RegressionTree([.. feature], [.. threshold], [.. left], [.. right], value);
        return new BuiltTree(tree, [.. splitBin]);
    }

    /// <summary>The median of <paramref name="values"/> at <paramref name="rows"/> (the lower middle one for an even count).</summary>
    private static double Median(double[] values, ReadOnlySpan<int> rows)
    {
        if (rows.Length == 0)
        {
            return 0;
        }

        var picked = new double[rows.Length];
        for (var i = 0; i < rows.Length; i++)
        {
            picked[i] = values[rows[i]];
        }

        Array.Sort(picked);
        return picked[(picked.Length - 1) / 2];
    }

    private Histogram BuildHistogram(int[] indices, int start, int count, double[] gradient, double[] hessian)
    {
        var histogram = new Histogram(bins);
        Parallel.For(0, bins.Features, f =>
        {
            var column = binned[f];
            var g = histogram.Gradient[f];
            var h = histogram.Hessian[f];
            var n = histogram.Count[f];
            for (var i = start; i < start + count; i++)
            {
                var row = indices[i];
                var b = column[row];
                g[b] += gradient[row];
                h[b] += hessian[row];
                n[b]++;
            }
        });
        return histogram;
    }

    private void FindSplit(Leaf leaf)
    {
        var (totalG, totalH) = leaf.Histogram.Totals();
        var totalN = leaf.Count;
        var parentScore = totalG * totalG / (totalH + options.L2);
        var bestGain = new double[bins.Features];
        var bestBin = new int[bins.Features];
        Parallel.For(0, bins.Features, f =>
        {
            var g = leaf.Histogram.Gradient[f];
            var h = leaf.Histogram.Hessian[f];
            var n = leaf.Histogram.Count[f];
            double leftG = 0, leftH = 0;
            var leftN = 0;
            bestGain[f] = 0;
            bestBin[f] = -1;
            for (var b = 0; b < bins.BinCount(f) - 1; b++)
            {
                leftG += g[b];
                leftH += h[b];
                leftN += n[b];
                var rightN = totalN - leftN;
                if (leftN < options.MinLeafRows)
                {
                    continue;
                }

                if (rightN < options.MinLeafRows)
                {
                    break;
                }

                var rightG = totalG - leftG;
                var rightH = totalH - leftH;
                var gain = (leftG * leftG / (leftH + options.L2)) + (rightG * rightG / (rightH + options.L2)) - parentScore;
                if (gain > bestGain[f])
                {
                    bestGain[f] = gain;
                    bestBin[f] = b;
                }
            }
        });

        leaf.Gain = 0;
        for (var f = 0; f < bins.Features; f++)
        {
            if (bestBin[f] >= 0 && bestGain[f] > leaf.Gain)
            {
                leaf.Gain = bestGain[f];
                leaf.Feature = f;
                leaf.Bin = bestBin[f];
            }
        }
    }

    private sealed class Leaf(int node, int start, int count, Histogram histogram)
    {
        public int Node { get; } = node;

        public int Start { get; } = start;

        public int Count { get; } = count;

        public Histogram Histogram { get; } = histogram;

        public double Gain { get; set; }

        public int Feature { get; set; } = -1;

        public int Bin { get; set; }
    }

    private sealed class Histogram
    {
        public Histogram(FeatureBins bins)
        {
            Gradient = new double[bins.Features][];
            Hessian = new double[bins.Features][];
            Count = new int[bins.Features][];
            for (var f = 0; f < bins.Features; f++)
            {
                Gradient[f] = new double[bins.BinCount(f)];
                Hessian[f] = new double[bins.BinCount(f)];
                Count[f] = new int[bins.BinCount(f)];
            }
        }

        public double[][] Gradient { get; }

        public double[][] Hessian { get; }

        public int[][] Count { get; }

        public (double Gradient, double Hessian) Totals()
        {
            double g = 0, h = 0;
            for (var b = 0; b < Gradient[0].Length; b++)
            {
                g += Gradient[0][b];
                h += Hessian[0][b];
            }

            return (g, h);
        }

        public Histogram Minus(Histogram other)
        {
            var gradient = new double[Gradient.Length][];
            var hessian = new double[Gradient.Length][];
            var count = new int[Gradient.Length][];
            for (var f = 0; f < Gradient.Length; f++)
            {
                gradient[f] = new double[Gradient[f].Length];
                hessian[f] = new double[Gradient[f].Length];
                count[f] = new int[Gradient[f].Length];
                for (var b = 0; b < Gradient[f].Length; b++)
                {
                    gradient[f][b] = Gradient[f][b] - other.Gradient[f][b];
                    hessian[f][b] = Hessian[f][b] - other.Hessian[f][b];
                    count[f][b] = Count[f][b] - other.Count[f][b];
                }
            }

            return new Histogram(gradient, hessian, count);
        }

        private Histogram(double[][] gradient, double[][] hessian, int[][] count)
        {
            Gradient = gradient;
            Hessian = hessian;
            Count = count;
        }
    }
}

/// <summary>A tree with its split bins, to update training predictions from the binned columns.</summary>
internal sealed class BuiltTree(RegressionTree tree, int[] splitBin)
{
    public RegressionTree Tree { get; } = tree;

    public double PredictBinned(byte[][] binned, int row)
    {
        var node = 0;
        while (Tree.Feature[node] >= 0)
        {
            node = binned[Tree.Feature[node]][row] <= splitBin[node] ? Tree.Left[node] : Tree.Right[node];
        }

        return Tree.Value[node];
    }
}
