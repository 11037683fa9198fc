using CityFn.Core.Features;

namespace CityFn.Training.Quality;

/// <summary>
/// The rule-based baseline: hand-set thresholds on the same features, the checks a careful operator would
/// write without a model (set once from the fault definitions, never tuned on the test set).
/// </summary>
public static class QualityRules
{
    public static double Score(ReadOnlySpan<float> features)
    {
        var flagged =
            features[0] >= 0.1f // gap_ratio: 3 or more missing minutes of 30
            || features[1] >= 5 // stuck_run_minutes
            || features[2] >= 8 // spike_score (robust z)
            || features[4] >= 2 // neighbour_deviation, typical variations
            || features[7] >= 3 // noise_ratio_to_own_history
            || features[11] >= 0.3f; // replay_match
        return flagged ? 1 : 0;
    }

    static QualityRules()
    {
        // The indices above follow the feature order; fail loudly if it ever changes under them.
        if (SensorQualityFeatures.Names[0] != "gap_ratio" || SensorQualityFeatures.Names[11] != "replay_match")
        {
            throw new InvalidOperationException("QualityRules reads features by position; update it to the new feature order.");
        }
    }
}
