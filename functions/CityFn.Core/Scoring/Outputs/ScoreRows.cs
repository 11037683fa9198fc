using System.Text.Json.Serialization;

namespace CityFn.Core.Scoring.Outputs;

/// <summary>
/// One row of analytics/forecasts/…/&lt;job&gt;.parquet: a road segment's speed forecast (the mean over the 5 minutes
/// starting at <see cref="For"/>), with the latest measured speed and the congestion it means (<see cref="CongestionLevels"/>).
/// Congestion, level and alert are empty/false when the segment's free-flow speed is unknown (not on the map).
/// </summary>
public sealed class ForecastRow
{
    [JsonPropertyName("job")] public string Job { get; set; } = "";
    [JsonPropertyName("model")] public string Model { get; set; } = "";
    [JsonPropertyName("segment")] public string Segment { get; set; } = "";
    [JsonPropertyName("devices")] public int Devices { get; set; }
    [JsonPropertyName("based_on")] public DateTime BasedOn { get; set; }
    [JsonPropertyName("for")] public DateTime For { get; set; }
    [JsonPropertyName("speed_kmh")] public double SpeedKmh { get; set; }
    [JsonPropertyName("latest_speed_kmh")] public double? LatestSpeedKmh { get; set; }
    [JsonPropertyName("free_flow_speed_kmh")] public double? FreeFlowSpeedKmh { get; set; }
    [JsonPropertyName("congestion")] public double? Congestion { get; set; }
    [JsonPropertyName("level")] public string? Level { get; set; }
    [JsonPropertyName("alert")] public bool Alert { get; set; }
    [JsonPropertyName("host")] public string Host { get; set; } = "";
    [JsonPropertyName("verified")] public bool Verified { get; set; }
}

/// <summary>One row of analytics/quality/…/&lt;job&gt;.parquet: a device's sensor quality in the job's window.</summary>
public sealed class QualityRow
{
    [JsonPropertyName("job")] public string Job { get; set; } = "";
    [JsonPropertyName("model")] public string Model { get; set; } = "";
    [JsonPropertyName("device")] public string Device { get; set; } = "";
    [JsonPropertyName("kind")] public string Kind { get; set; } = "";
    [JsonPropertyName("time")] public DateTime Time { get; set; }
    [JsonPropertyName("fault_probability")] public double FaultProbability { get; set; }
    [JsonPropertyName("quality")] public double Quality { get; set; }
    [JsonPropertyName("alert")] public bool Alert { get; set; }
    [JsonPropertyName("host")] public string Host { get; set; } = "";
    [JsonPropertyName("verified")] public bool Verified { get; set; }
}

/// <summary>
/// A typed message on queue "alerts" (JSON, base64), and a row of the alert log. <see cref="AlertId"/> is
/// job|type|entity for a sensor fault and congestion|segment|episode start for a congestion episode
/// (<see cref="CongestionEpisodes"/>), so a redelivered or re-run job raises the same id and the log does not send it again.
/// </summary>
public sealed record ScoringAlert(
    string AlertId,
    string Type,
    string Entity,
    DateTimeOffset Time,
    double Score,
    double Threshold,
    string JobId,
    string Model,
    string Host)
{
    public const string Congestion = "congestion";
    public const string SensorFault = "sensor_fault";
}

/// <summary>
/// A forecast speed as congestion: 1 − speed / free-flow speed, clamped to [0, 1]; level "congested" below the
/// alert ratio (ScoringOptions.CongestionSpeedRatio), "slow" below <see cref="SlowRatio"/>, else "free".
/// </summary>
public static class CongestionLevels
{
    public const double SlowRatio = 0.85;
    public const string Free = "free";
    public const string Slow = "slow";
    public const string Congested = "congested";

    public static double Congestion(double speedKmh, double freeFlowSpeedKmh) => Math.Clamp(1 - (speedKmh / freeFlowSpeedKmh), 0, 1);

    public static string Level(double speedKmh, double freeFlowSpeedKmh, double alertRatio) =>
        speedKmh < alertRatio * freeFlowSpeedKmh ? Congested : speedKmh < SlowRatio * freeFlowSpeedKmh ? Slow : Free;
}

/// <summary>
/// The latest forecast of a road segment, as <c>GET /api/segments/{id}/forecast</c> answers it: forecast speed
/// (km/h, the mean over the 5 minutes starting at <see cref="For"/>), the latest measured speed, the free-flow speed, congestion
/// = 1 − forecast / free-flow in [0, 1] and its level (free, slow, congested); see <see cref="ForecastRow"/>.
/// </summary>
public sealed record SegmentForecast(
    string Segment,
    DateTimeOffset BasedOn,
    DateTimeOffset For,
    double SpeedKmh,
    double? LatestSpeedKmh,
    double? FreeFlowSpeedKmh,
    double? Congestion,
    string? Level,
    bool Alert,
    int Devices,
    string JobId,
    string Model,
    string Host,
    bool Verified);

/// <summary>The latest quality of a device.</summary>
public sealed record DeviceQuality(
    string Device,
    string Kind,
    DateTimeOffset Time,
    double Quality,
    double FaultProbability,
    bool Alert,
    string JobId,
    string Host);
