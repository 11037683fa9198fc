namespace CityFn.Training.Trees;

/// <summary>
/// Histogram gradient-boosted trees (LightGBM-style leaf-wise growth, second-order gains, L2 on leaves).
/// Deterministic: the only randomness is the row sample drawn from the seed, histograms are built per
/// feature in parallel (each feature by one thread, rows in a fixed order), so thread count does not change
/// a single bit of the result.
/// </summary>
public sealed class GradientBoosting(GradientBoostingOptions options)
{
    public GradientBoostingOptions Options { get; } = options ?? throw new ArgumentNullException(nameof(options));

    /// <summary>Validation loss after each tree (the ensemble keeps the trees up to the best one).</summary>
    public List<double> ValidationLoss { get; } = [];

    public TreeEnsemble Train(FeatureMatrix train, FeatureMatrix validation)
    {
        ArgumentNullException.ThrowIfNull(train);
        ArgumentNullException.ThrowIfNull(validation);
        var bins = FeatureBins.Build(train, Options.MaxBins);
        var binned = bins.Apply(train);
        var rows = train.Rows;
        var baseScore = BaseScore(train.Labels);
        var prediction = Enumerable.Repeat(baseScore, rows).ToArray();
        var validationPrediction = Enumerable.Repeat(baseScore, validation.Rows).ToArray();
        var gradient = new double[rows];
        var hessian = new double[rows];
        var residuals = Options.Loss == BoostingLoss.Absolute ? new double[rows] : null;
        var random = new Random(Options.Seed);
        var trees = new List<RegressionTree>();
        var bestLoss = double.PositiveInfinity;
        var bestCount = 0;
        var builder = new TreeBuilder(bins, binned, Options);
        for (var t = 0; t < Options.MaxTrees; t++)
        {
            Gradients(train.Labels, prediction, gradient, hessian);
            if (residuals is not null)
            {
                for (var r = 0; r < rows; r++)
                {
                    residuals[r] = train.Labels[r] - prediction[r];
                }
            }

            var sample = Sample(rows, random);
            var tree = builder.Build(sample, gradient, hessian, residuals);
            trees.Add(tree.Tree);
            for (var r = 0; r < rows; r++)
            {
                prediction[r] += tree.PredictBinned(binned, r);
            }

            for (var r = 0; r < validation.Rows; r++)
            {
                validationPrediction[r] += tree.Tree.Predict(validation.Row(r));
            }

            var loss = Loss(validation.Labels, validationPrediction);
            ValidationLoss.Add(loss);
            if (loss < bestLoss - 1e-12)
            {
                bestLoss = loss;
                bestCount = trees.Count;
            }
            else if (trees.Count - bestCount >= Options.EarlyStoppingTrees)
            {
                break;
            }
        }

        return new TreeEnsemble(baseScore, trees.Take(bestCount).ToList());
    }

    private double BaseScore(double[] labels)
    {
        if (Options.Loss == BoostingLoss.Absolute)
        {
            var sorted = labels.Order().ToArray();
            return sorted[(sorted.Length - 1) / 2];
        }

        var mean = labels.Average();
        return Options.Loss == BoostingLoss.Logistic ? Math.Log(Math.Clamp(mean, 1e-6, 1 - 1e-6) / (1 - Math.Clamp(mean, 1e-6, 1 - 1e-6))) : mean;
    }

    private void Gradients(double[] labels, double[] prediction, double[] gradient, double[] hessian)
    {
        for (var r = 0; r < labels.Length; r++)
        {
            switch (Options.Loss)
            {
                case BoostingLoss.Squared:
                    gradient[r] = prediction[r] - labels[r];
                    hessian[r] = 1;
                    break;
                case BoostingLoss.Huber:
                    gradient[r] = Math.Clamp(prediction[r] - labels[r], -Options.HuberDelta, Options.HuberDelta);
                    hessian[r] = 1;
                    break;
                case BoostingLoss.Absolute:
                    gradient[r] = Math.Sign(prediction[r] - labels[r]);
                    hessian[r] = 1;
                    break;
                default:
                    var p = Sigmoid(prediction[r]);
                    gradient[r] = p - labels[r];
                    hessian[r] = Math.Max(p * (1 - p), 1e-6);
                    break;
            }
        }
    }

    private double Loss(double[] labels, double[] prediction)
    {
        var sum = 0.0;
        for (var r = 0; r < labels.Length; r++)
        {
            var error = prediction[r] - labels[r];
            sum += Options.Loss switch
            {
                BoostingLoss.Squared => error * error,
                BoostingLoss.Absolute => Math.Abs(error),
                BoostingLoss.Huber => Math.Abs(error) <= Options.HuberDelta
                    ? 0.5 * error * error
                    : Options.HuberDelta * (Math.Abs(error) - (0.5 * Options.HuberDelta)),
                _ => -((labels[r] * Math.Log(Math.Max(Sigmoid(prediction[r]), 1e-12)))
                    + ((1 - labels[r]) * Math.Log(Math.Max(1 - Sigmoid(prediction[r]), 1e-12)))),
            };
        }

        return sum / Math.Max(1, labels.Length);
    }

    private int[] Sample(int rows, Random random)
    {
        if (Options.RowSample >= 1)
        {
            return Enumerable.Range(0, rows).ToArray();
        }

        var sample = new List<int>((int)(rows * Options.RowSample) + 1);
        for (var r = 0; r < rows; r++)
        {
            if (random.NextDouble() < Options.RowSample)
            {
                sample.Add(r);
            }
        }

        return [.. sample];
    }

    public static double Sigmoid(double x) => 1 / (1 + Math.Exp(-x));
}
