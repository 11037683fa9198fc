namespace CityFn.Training.Trees;

public enum BoostingLoss
{
    /// <summary>Squared error on the raw output (regression).</summary>
    Squared,

    /// <summary>Huber: squared near the target, absolute beyond <see cref="GradientBoostingOptions.HuberDelta"/>; closer to MAE, robust to incident outliers.</summary>
    Huber,

    /// <summary>Binary log loss; the raw output is a logit.</summary>
    Logistic,

    /// <summary>
    /// Absolute error (the forecast metric itself): splits on the sign of the error, and each leaf's value is the median
    /// of its rows' residuals, so a leaf whose rows either stay jammed or clear picks the likelier outcome instead of a
    /// speed in between that neither has.
    /// </summary>
    Absolute,
}

/// <summary>Hyper-parameters of <see cref="GradientBoosting"/>; the defaults are the ones the model cards report.</summary>
public sealed record GradientBoostingOptions
{
    public BoostingLoss Loss { get; init; } = BoostingLoss.Squared;

    public int MaxTrees { get; init; } = 300;

    public double LearningRate { get; init; } = 0.1;

    public int MaxLeaves { get; init; } = 31;

    public int MinLeafRows { get; init; } = 50;

    public double L2 { get; init; } = 1.0;

    /// <summary>Fraction of rows each tree is fitted on (drawn from <see cref="Seed"/>).</summary>
    public double RowSample { get; init; } = 0.8;

    public int MaxBins { get; init; } = 255;

    public double HuberDelta { get; init; } = 5.0;

    /// <summary>
    /// Largest Newton step a leaf may take before the learning rate (XGBoost's max_delta_step; 0 = no limit). On
    /// log loss with a rare class the hessians are tiny, so an unlimited first tree jumps its leaves to extreme
    /// logits and every later tree only makes validation worse.
    /// </summary>
    public double MaxLeafStep { get; init; }

    /// <summary>Stop when the validation loss has not improved for this many trees; keep the best.</summary>
    public int EarlyStoppingTrees { get; init; } = 30;

    public int Seed { get; init; } = 1;
}
