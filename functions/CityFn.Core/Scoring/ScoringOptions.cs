using System.ComponentModel.DataAnnotations;

namespace CityFn.Core.Scoring;

/// <summary>Settings of the scoring fan-out (section "Scoring"); docs/scoring.md explains each.</summary>
public sealed class ScoringOptions
{
    public const string SectionName = "Scoring";

    /// <summary>Fraction of jobs also scored by a second host or the CPU reference (0 to 1).</summary>
    [Range(0.0, 1.0)]
    public double VerificationFraction { get; set; } = 0.05;

    /// <summary>Scores agree when they differ by at most this much, absolutely or relative to the larger.</summary>
    [Range(0.0, 1.0)]
    public double Tolerance { get; set; } = 1e-3;

    /// <summary>Limit of one inference call; a call that takes longer is abandoned and retried on another host.</summary>
    [Range(typeof(TimeSpan), "00:00:00.050", "00:05:00")]
    public TimeSpan CallTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>Distinct hosts one call may be tried on (the first try included) before the job is put back.</summary>
    [Range(1, 20)]
    public int MaxAttempts { get; set; } = 3;

    /// <summary>Hedge delay until enough latencies are observed for a p95.</summary>
    [Range(typeof(TimeSpan), "00:00:00.001", "00:01:00")]
    public TimeSpan InitialHedgeDelay { get; set; } = TimeSpan.FromMilliseconds(250);

    /// <summary>The hedge delay never goes below this, so a fast, jittery host pool does not hedge half its calls.</summary>
    [Range(typeof(TimeSpan), "00:00:00", "00:01:00")]
    public TimeSpan MinHedgeDelay { get; set; } = TimeSpan.FromMilliseconds(20);

    /// <summary>A host whose last heartbeat is older than this is not used.</summary>
    [Range(typeof(TimeSpan), "00:00:05", "01:00:00")]
    public TimeSpan HeartbeatMaxAge { get; set; } = TimeSpan.FromSeconds(90);

    /// <summary>After a failed call (refused, timed out, 5xx, 429, bad signature) a host is skipped this long.</summary>
    [Range(typeof(TimeSpan), "00:00:00", "01:00:00")]
    public TimeSpan FailureCooldown { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>How long the host list and quarantines read from storage are reused.</summary>
    [Range(typeof(TimeSpan), "00:00:00", "00:10:00")]
    public TimeSpan RegistryRefresh { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>Rows per inference call; larger feature matrices are split.</summary>
    [Range(1, 1 << 20)]
    public int MaxRowsPerCall { get; set; } = 1024;

    /// <summary>
    /// A forecast speed below this fraction of the segment's free-flow speed (road network map) raises a
    /// "congestion" alert; 0.6 is where the forecast model's training calls a detector congested.
    /// </summary>
    [Range(0.0, 1.0)]
    public double CongestionSpeedRatio { get; set; } = 0.6;

    /// <summary>
    /// Days looked back for the forecast's historical speed profile (the same local minute on earlier weekdays);
    /// 0 turns it off (the latest speed stands in, as the features define).
    /// </summary>
    [Range(0, 28)]
    public int HistoricalDays { get; set; } = 7;

    /// <summary>How long the road network map and the device registry read from storage are reused.</summary>
    [Range(typeof(TimeSpan), "00:00:00", "01:00:00")]
    public TimeSpan LayoutRefresh { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>A sensor fault probability at or above this raises a "sensor_fault" alert.</summary>
    [Range(0.0, 1.0)]
    public double FaultAlertThreshold { get; set; } = 0.8;

    /// <summary>Model repository folder of the in-process CPU reference (models/&lt;name&gt;/[1/]model.onnx); relative to the app folder.</summary>
    [Required]
    public string ReferenceModels { get; set; } = "models";

    /// <summary>A message dequeued this many times without success goes to the poison queue (the Functions host uses host.json's maxDequeueCount).</summary>
    [Range(1, 100)]
    public int MaxDequeueCount { get; set; } = 5;

    /// <summary>First visibility backoff of a job with no usable host; doubles per dequeue (`cityfn score`).</summary>
    [Range(typeof(TimeSpan), "00:00:00", "01:00:00")]
    public TimeSpan NoHostBackoff { get; set; } = TimeSpan.FromSeconds(15);
}
