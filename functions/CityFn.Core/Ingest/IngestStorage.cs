namespace CityFn.Core.Ingest;

/// <summary>Names of the containers, queue and tables the ingest stage uses.</summary>
public static class IngestStorage
{
    public const string CaptureContainer = "capture";
    public const string DeadLetterContainer = "deadletter";
    public const string PoisonContainer = "poison";
    public const string AnalyticsContainer = "analytics";
    public const string ScoreJobsQueue = "score-jobs";

    /// <summary>PK device, RK seq (19 digits): which event a device's sequence number was accepted from.</summary>
    public const string SequencesTable = "IngestSequences";

    /// <summary>PK device, RK minute|source: per-file partial minute aggregates.</summary>
    public const string AggregatesTable = "IngestMinuteAggregates";

    /// <summary>PK device, RK source id: accepted messages/readings and rejects per reason per device and file (<see cref="DeviceIngestStatsStore"/>).</summary>
    public const string DeviceStatsTable = "devicestats";

    /// <summary>PK source id, RK device (and <c>_file</c>): which keys the runs of a capture file wrote under (<see cref="IngestFileManifest"/>).</summary>
    public const string FilesTable = "IngestFiles";

    public static string ReadingsBlobName(string sourceId, DateTimeOffset hour) => $"{ReadingsHourPrefix(hour)}{sourceId}.parquet";

    /// <summary>The folder (blob name prefix) of the readings files whose capture window starts in <paramref name="hour"/>'s UTC hour.</summary>
    public static string ReadingsHourPrefix(DateTimeOffset hour) => $"readings/date={hour.UtcDateTime:yyyy-MM-dd}/hour={hour.UtcDateTime:HH}/";
}
