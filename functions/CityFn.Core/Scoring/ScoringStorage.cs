using System.Text;
using CityFn.Core.Ethereum;

namespace CityFn.Core.Scoring;

/// <summary>Names of the queues, containers and tables the scoring stage uses (docs/scoring.md, "Outputs").</summary>
public static class ScoringStorage
{
    public const string JobsQueue = Ingest.IngestStorage.ScoreJobsQueue;

    /// <summary>The Functions host's poison queue name for "score-jobs"; `cityfn score` uses the same.</summary>
    public const string PoisonQueue = "score-jobs-poison";

    public const string AlertsQueue = "alerts";
    public const string AnalyticsContainer = Ingest.IngestStorage.AnalyticsContainer;
    public const string EvidenceContainer = "evidence";

    /// <summary>
    /// PK "segment", RK segment id (escaped): the newest forecast of each road segment. One partition, so a
    /// job's rows are read and written in a few batched requests instead of two requests per segment.
    /// </summary>
    public const string SegmentForecastsTable = "SegmentForecasts";

    /// <summary>PK "device", RK device address: the newest quality score of each device (one partition, as above).</summary>
    public const string DeviceQualityTable = "DeviceQuality";

    public const string SegmentPartition = "segment";
    public const string DevicePartition = "device";

    /// <summary>PK job hash prefix, RK job hash: which jobs are done and which ledger rows they wrote.</summary>
    public const string JobsTable = "ScoringJobs";

    /// <summary>PK host, RK check id: each spot check a host took part in and whether it agreed.</summary>
    public const string ChecksTable = "EdgeHostChecks";

    /// <summary>PK "quarantine", RK host: hosts caught by a spot check, not used until the row is removed.</summary>
    public const string QuarantineTable = "EdgeHostQuarantine";

    public static string ForecastsBlobName(string jobId, DateTimeOffset hour) =>
        $"forecasts/date={hour.UtcDateTime:yyyy-MM-dd}/hour={hour.UtcDateTime:HH}/{jobId}.parquet";

    public static string QualityBlobName(string jobId, DateTimeOffset hour) =>
        $"quality/date={hour.UtcDateTime:yyyy-MM-dd}/hour={hour.UtcDateTime:HH}/{jobId}.parquet";

    /// <summary>A value as a Table key: '/', '\', '#', '?' and control characters are not allowed there, so they are %-escaped.</summary>
    public static string Key(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        var builder = new StringBuilder(value.Length);
        foreach (var c in value)
        {
            if (c is '/' or '\\' or '#' or '?' or '%' || char.IsControl(c))
            {
                builder.Append('%').Append(((int)c).ToString("X2", System.Globalization.CultureInfo.InvariantCulture));
            }
            else
            {
                builder.Append(c);
            }
        }

        return builder.ToString();
    }

    /// <summary>A job id as a key: keccak256 hex, because job ids are source-derived and may be long.</summary>
    public static string JobKey(string jobId) => Convert.ToHexStringLower(Keccak256.Hash(Encoding.UTF8.GetBytes(jobId)));
}
