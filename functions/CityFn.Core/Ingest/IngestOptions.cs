using System.ComponentModel.DataAnnotations;

namespace CityFn.Core.Ingest;

/// <summary>Settings of the ingest stage (section "Ingest").</summary>
public sealed class IngestOptions
{
    public const string SectionName = "Ingest";

    /// <summary>
    /// How far a message's window may end after the event was enqueued (device clock skew).
    /// Times are judged against the event's EnqueuedTimeUtc, never the wall clock, so a replay of an
    /// old capture file decides exactly as the first run did.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00", "01:00:00")]
    public TimeSpan MaxAhead { get; set; } = TimeSpan.FromMinutes(2);

    /// <summary>How long before the event was enqueued a message's window may start (devices buffering while offline).</summary>
    [Range(typeof(TimeSpan), "00:01:00", "7.00:00:00")]
    public TimeSpan MaxBehind { get; set; } = TimeSpan.FromHours(6);

    /// <summary>
    /// Events decoded, validated and written per batch. A capture file (up to 500 MB) is processed as a stream
    /// of batches; memory holds one batch (about 5 KB per 60-sample message) and one row group of readings.
    /// </summary>
    [Range(1, 100_000)]
    public int BatchMessages { get; set; } = 1_000;
}
