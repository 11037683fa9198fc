using System.Text.Json.Serialization;

namespace CityFn.Core.Ingest;

/// <summary>
/// A scoring job on queue "score-jobs": score the accepted readings of one kind from one capture file.
/// <see cref="JobId"/> is derived from the source, so a re-run enqueues the same id and the consumer
/// skips work it has done. <see cref="ReadingsBlob"/> is the Parquet file (container "analytics").
/// </summary>
public sealed record ScoreJob(
    string JobId,
    string Source,
    string Kind,
    string ReadingsBlob,
    int Devices,
    long Readings,
    DateTimeOffset WindowStart,
    DateTimeOffset WindowEnd);

/// <summary>What one ingest run did, as `cityfn ingest --json` prints it.</summary>
public sealed record IngestSummary(
    int Files,
    int Poisoned,
    long Messages,
    long Accepted,
    long Readings,
    IReadOnlyDictionary<string, long> Rejected,
    int Jobs,
    IReadOnlyList<string> Errors);

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase)]
[JsonSerializable(typeof(ScoreJob))]
[JsonSerializable(typeof(RejectedMessage))]
[JsonSerializable(typeof(IngestSummary))]
public sealed partial class IngestJsonContext : JsonSerializerContext;
