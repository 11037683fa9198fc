namespace CityFn.Core.Rewards.Ledger;

/// <summary>
/// Accepted readings of one device in one epoch from one source (a capture blob), written by ingest.
/// Addresses are 0x-lowercase (any case is accepted and lowered); <paramref name="Source"/> is any id.
/// </summary>
public sealed record SampleRecord(long Epoch, string Device, string Source, long AcceptedSamples);

/// <summary>
/// Per-window sensor quality of one device from one source, written by scoring: the sum of the windows'
/// quality (each in [0, 1]) and the number of windows. Device quality = Σ sums / Σ windows over the epoch.
/// </summary>
public sealed record QualityRecord(long Epoch, string Device, string Source, double QualitySum, long Windows);

/// <summary>Rows of one model verified on one host for one scoring job (<paramref name="Source"/> = job id), written by scoring.</summary>
public sealed record ComputeRecord(long Epoch, string Host, string Model, string Source, long VerifiedRows, string Operator);

/// <summary>A host caught by a spot check in the epoch, with the blob name of the signed evidence; written by scoring.</summary>
public sealed record QuarantineRecord(long Epoch, string Host, string Reason, string Evidence);
