namespace CityFn.Core.Dashboard;

/// <summary>
/// The colour bands of the map: the forecast's own level (<see cref="Scoring.Outputs.CongestionLevels"/>: free,
/// slow below 85 % of free-flow speed, congested below Scoring__CongestionSpeedRatio × free-flow, the alert), so
/// the map and the congestion alerts can never disagree. The page colours by band name.
/// </summary>
public static class CongestionBands
{
    public const string None = "none";
    public const string Free = "free";
    public const string ModerateBand = "moderate";
    public const string HeavyBand = "heavy";

    public static string Of(string? level) => level switch
    {
        Scoring.Outputs.CongestionLevels.Free => Free,
        Scoring.Outputs.CongestionLevels.Slow => ModerateBand,
        Scoring.Outputs.CongestionLevels.Congested => HeavyBand,
        _ => None,
    };
}

/// <summary>The colour bands of sensor quality (1 − the sensor-quality model's fault probability).</summary>
public static class QualityBands
{
    public const string None = "none";
    public const string Good = "good";
    public const string Fair = "fair";
    public const string Poor = "poor";

    /// <summary>Quality from which a sensor counts as good.</summary>
    public const double GoodFrom = 0.8;

    /// <summary>Quality from which a sensor counts as fair; below it poor (the default fault alert is at quality 0.2).</summary>
    public const double FairFrom = 0.5;

    public static string Of(double? quality) => quality switch
    {
        null => None,
        >= GoodFrom => Good,
        >= FairFrom => Fair,
        _ => Poor,
    };
}
