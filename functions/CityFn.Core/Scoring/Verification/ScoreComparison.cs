namespace CityFn.Core.Scoring.Verification;

/// <summary>
/// When two scorings of the same rows agree: every score within the tolerance absolutely or relative to the
/// larger magnitude, and every alert flag (score at or above the threshold) the same.
/// </summary>
public static class ScoreComparison
{
    public static bool Agree(IReadOnlyList<float> a, IReadOnlyList<float> b, double tolerance, double alertThreshold)
    {
        ArgumentNullException.ThrowIfNull(a);
        ArgumentNullException.ThrowIfNull(b);
        if (a.Count != b.Count)
        {
            return false;
        }

        for (var i = 0; i < a.Count; i++)
        {
            var difference = Math.Abs((double)a[i] - b[i]);
            var withinTolerance = difference <= tolerance || difference <= tolerance * Math.Max(Math.Abs((double)a[i]), Math.Abs((double)b[i]));
            if (!withinTolerance || float.IsNaN(a[i]) != float.IsNaN(b[i]) || (a[i] >= alertThreshold) != (b[i] >= alertThreshold))
            {
                return false;
            }
        }

        return true;
    }
}
