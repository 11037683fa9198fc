using System.Text.Json.Serialization;
using CityFn.Simulator;

namespace CityFn.Training.Quality;

/// <summary>How one fault kind fares: its windows, how many are flagged, and F1 against the clean windows.</summary>
public sealed record FaultKindMetrics(
    [property: JsonPropertyName("kind")] string Kind,
    [property: JsonPropertyName("windows")] int Windows,
    [property: JsonPropertyName("recall")] double Recall,
    [property: JsonPropertyName("f1_vs_clean")] double F1);

/// <summary>Binary detection quality at a probability threshold, overall and per fault kind.</summary>
public sealed record QualityMetrics(
    [property: JsonPropertyName("threshold")] double Threshold,
    [property: JsonPropertyName("windows")] int Windows,
    [property: JsonPropertyName("faulty_windows")] int FaultyWindows,
    [property: JsonPropertyName("precision")] double Precision,
    [property: JsonPropertyName("recall")] double Recall,
    [property: JsonPropertyName("f1")] double F1,
    [property: JsonPropertyName("clean_false_positive_rate")] double CleanFalsePositiveRate,
    [property: JsonPropertyName("per_kind")] IReadOnlyList<FaultKindMetrics> PerKind)
{
    /// <summary>The bars: F1 at least 0.9 and at most 2 % of clean windows flagged.</summary>
    public bool MeetsBars => F1 >= 0.9 && CleanFalsePositiveRate <= 0.02;

    /// <summary>
    /// Scores flags (<paramref name="scores"/> ≥ <paramref name="threshold"/>). Per kind, F1 counts that kind's
    /// windows as positives and every flagged clean window as a false positive.
    /// </summary>
    public static QualityMetrics Measure(QualitySamples samples, IReadOnlyList<double> scores, double threshold)
    {
        ArgumentNullException.ThrowIfNull(samples);
        ArgumentNullException.ThrowIfNull(scores);
        int tp = 0, fp = 0, fn = 0, clean = 0;
        var perKindWindows = new Dictionary<FaultKind, int>();
        var perKindFlagged = new Dictionary<FaultKind, int>();
        for (var r = 0; r < samples.Rows; r++)
        {
            var flagged = scores[r] >= threshold;
            var kind = samples.Kind[r];
            if (kind == FaultKind.None)
            {
                clean++;
                fp += flagged ? 1 : 0;
                continue;
            }

            tp += flagged ? 1 : 0;
            fn += flagged ? 0 : 1;
            perKindWindows[kind] = perKindWindows.GetValueOrDefault(kind) + 1;
            perKindFlagged[kind] = perKindFlagged.GetValueOrDefault(kind) + (flagged ? 1 : 0);
        }

        var perKind = FaultKinds.All
            .Where(perKindWindows.ContainsKey)
            .Select(k => new FaultKindMetrics(
                FaultKinds.Code(k),
                perKindWindows[k],
                (double)perKindFlagged[k] / perKindWindows[k],
                F1Score(perKindFlagged[k], fp, perKindWindows[k] - perKindFlagged[k])))
            .ToList();
        return new QualityMetrics(
            threshold,
            samples.Rows,
            tp + fn,
            tp + fp == 0 ? 0 : (double)tp / (tp + fp),
            tp + fn == 0 ? 0 : (double)tp / (tp + fn),
            F1Score(tp, fp, fn),
            clean == 0 ? 0 : (double)fp / clean,
            perKind);
    }

    private static double F1Score(int tp, int fp, int fn) => tp == 0 ? 0 : 2.0 * tp / ((2.0 * tp) + fp + fn);
}

/// <summary>
/// The metrics a model card reports for one city: the model at its flag threshold, the rule-based baseline on the
/// same windows, and the model at serving's sensor-fault alert threshold.
/// </summary>
public sealed record QualityTestMetrics(
    [property: JsonPropertyName("model")] QualityMetrics Model,
    [property: JsonPropertyName("rule_baseline")] QualityMetrics RuleBaseline,
    [property: JsonPropertyName("model_at_alert_threshold")] QualityMetrics ModelAtAlertThreshold);
