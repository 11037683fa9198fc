using CityFn.Core.Scoring.Verification;

namespace CityFn.Scoring.Tests.Verification;

public sealed class ScoreComparisonTests
{
    [Theory]
    [InlineData(0.5f, 0.5009f, true)] // within 1e-3 absolute
    [InlineData(0.5f, 0.5011f, false)]
    [InlineData(2000f, 2001.9f, true)] // beyond 1e-3 absolute but within 1e-3 relative
    [InlineData(2000f, 2002.1f, false)]
    [InlineData(float.NaN, 0.5f, false)]
    public void Scores_agree_within_the_tolerance_absolute_or_relative(float a, float b, bool agree) =>
        Assert.Equal(agree, ScoreComparison.Agree([a], [b], 1e-3, double.PositiveInfinity));

    [Fact]
    public void Scores_within_the_tolerance_on_both_sides_of_the_alert_threshold_disagree()
    {
        Assert.False(ScoreComparison.Agree([0.7999f], [0.8001f], 1e-3, 0.8));
        Assert.True(ScoreComparison.Agree([0.8001f], [0.8005f], 1e-3, 0.8));
    }

    [Fact]
    public void Different_row_counts_disagree() => Assert.False(ScoreComparison.Agree([0.1f], [0.1f, 0.2f], 1e-3, 0.8));
}
