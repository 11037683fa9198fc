namespace CityFn.Core.Ingest;

/// <summary>
/// Why a message was rejected. The string codes (<see cref="RejectReasons.Code"/>) are stable: they are
/// written to dead-letter blobs, counters and reports and documented in docs/wire-format.md. Add new
/// members at the end; never rename a code.
/// </summary>
public enum RejectReason
{
    MalformedBody,
    UnknownSchemaVersion,
    MissingSignature,
    BadSignature,
    SignerNotDevice,
    UnregisteredDevice,
    KindMismatch,
    ValueOutOfRange,
    TimestampInFuture,
    TimestampTooOld,
    DuplicateMessage,
    SequenceReused,

    /// <summary>Not a message: a damaged stretch of the capture file that was skipped (docs/ingest.md "Corrupt files").</summary>
    CorruptBlock,
}

public static class RejectReasons
{
    public static IReadOnlyList<RejectReason> All { get; } = Enum.GetValues<RejectReason>();

    public static string Code(RejectReason reason) => reason switch
    {
        RejectReason.MalformedBody => "malformed_body",
        RejectReason.UnknownSchemaVersion => "unknown_schema_version",
        RejectReason.MissingSignature => "missing_signature",
        RejectReason.BadSignature => "bad_signature",
        RejectReason.SignerNotDevice => "signer_not_device",
        RejectReason.UnregisteredDevice => "unregistered_device",
        RejectReason.KindMismatch => "kind_mismatch",
        RejectReason.ValueOutOfRange => "value_out_of_range",
        RejectReason.TimestampInFuture => "timestamp_in_future",
        RejectReason.TimestampTooOld => "timestamp_too_old",
        RejectReason.DuplicateMessage => "duplicate_message",
        RejectReason.SequenceReused => "sequence_reused",
        RejectReason.CorruptBlock => "corrupt_block",
        _ => throw new ArgumentOutOfRangeException(nameof(reason), reason, "Unknown reject reason."),
    };
}
