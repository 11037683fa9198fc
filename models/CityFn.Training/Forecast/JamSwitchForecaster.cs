using CityFn.Training.Trees;

namespace CityFn.Training.Forecast;

/// <summary>
/// The traffic-forecast model: a classifier for "jammed at the forecast time" picks one of two regressors, one
/// fitted on rows that end jammed and one on rows that end free. Each outputs a change from the latest speed.
/// </summary>
/// <remarks>
/// Why two regimes: a street in the simulated city (like a real one) is either flowing near its free speed or stands
/// in a queue at walking pace, with little in between. One regressor on all rows learns to hedge between the two,
/// a speed neither outcome has; with absolute error as the metric the better forecast commits to the likelier
/// regime (a jam probability of at least 0.5, so a logit of at least 0) and forecasts the speed within it.
/// </remarks>
public sealed record JamSwitchForecaster(TreeEnsemble JamClassifier, TreeEnsemble Jammed, TreeEnsemble Free)
{
    /// <summary>The classifier's verdict: the jam probability is at least 0.5.</summary>
    public bool PredictsJam(ReadOnlySpan<float> row) => JamClassifier.Predict(row) >= 0;

    /// <summary>The forecast change from the latest speed, km/h.</summary>
    public double PredictChange(ReadOnlySpan<float> row) => PredictsJam(row) ? Jammed.Predict(row) : Free.Predict(row);

    public int TreeCount => JamClassifier.Trees.Count + Jammed.Trees.Count + Free.Trees.Count;
}
