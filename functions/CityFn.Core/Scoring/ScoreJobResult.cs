namespace CityFn.Core.Scoring;

/// <summary>How a job ended.</summary>
public enum ScoreJobStatus
{
    /// <summary>Scored and written.</summary>
    Scored,

    /// <summary>Done before (a redelivered message): nothing written.</summary>
    Skipped,

    /// <summary>Unusable (malformed message, readings blob gone): moved to the poison queue.</summary>
    Poisoned,
}

/// <summary>What scoring one job did.</summary>
public sealed record ScoreJobResult(
    string JobId,
    ScoreJobStatus Status,
    long Rows,
    int Retried,
    int Hedged,
    int Verified,
    int Mismatches,
    int Alerts,
    IReadOnlyList<string> Quarantined,
    string? Error = null)
{
    public static ScoreJobResult Skip(string jobId) => new(jobId, ScoreJobStatus.Skipped, 0, 0, 0, 0, 0, 0, []);

    public static ScoreJobResult Poison(string jobId, string error) => new(jobId, ScoreJobStatus.Poisoned, 0, 0, 0, 0, 0, 0, [], error);
}

/// <summary>
/// What a drain of the queue did, as `cityfn score --json` prints it. <c>retried</c>: calls retried on
/// another host; <c>hedged</c>: hedged second calls; <c>verified</c>: spot-checked calls; <c>deferred</c>:
/// jobs put back with a backoff because no host could score them; <c>alerts</c>: alerts sent (each alert id once,
/// so a congestion episode counts once however many minutes it lasts).
/// </summary>
public sealed record ScoreSummary(
    int Jobs,
    int Scored,
    int Skipped,
    int Retried,
    int Hedged,
    int Verified,
    int Mismatches,
    int Poisoned,
    int Deferred,
    long Rows,
    int Alerts,
    IReadOnlyList<string> Quarantined,
    IReadOnlyList<string> Errors);

/// <summary>An edge host as <c>GET /api/edge-hosts</c> lists it: the registry record, quarantine and verification record.</summary>
public sealed record EdgeHostStatus(
    string Address,
    string Url,
    IReadOnlyList<string> Models,
    long Capacity,
    DateTimeOffset RegisteredAt,
    DateTimeOffset LastHeartbeat,
    string Status,
    long Checks,
    long FailedChecks,
    DateTimeOffset? LastCheck,
    string? QuarantineReason,
    string? QuarantineEvidence,
    DateTimeOffset? QuarantinedSince);
