namespace CityFn.Core.Dashboard;

/// <summary>
/// The colour bands of the map: the page colours by band name, so the thresholds live in one place (here) and
/// a test can check a segment's colour from the forecast it seeded.
/// </summary>
public static class CongestionBands
{
    public const string None = "none";
    public const string Free = "free";
    public const string ModerateBand = "moderate";
    public const string HeavyBand = "heavy";

    /// <summary>Congestion from which a segment counts as moderate.</summary>
    public const double Moderate = 0.4;

    /// <summary>Congestion from which a segment counts as heavy (the default congestion alert threshold is 0.8).</summary>
    public const double Heavy = 0.7;

    public static string Of(double? congestion) => congestion switch
    {
        null => None,
        < Moderate => Free,
        < Heavy => ModerateBand,
        _ => HeavyBand,
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
