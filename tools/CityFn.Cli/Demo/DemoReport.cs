using System.Text.Json.Serialization;

namespace CityFn.Cli.Demo;

/// <summary>
/// What one <c>cityfn demo</c> run did and found (printed as text, or as one JSON object with --json).
/// Amounts are token base units (10^-18 token) as decimal strings; addresses are 0x hex.
/// </summary>
public sealed record DemoReport(
    DemoRunInfo Run,
    DemoReadings Readings,
    DemoScoring Scoring,
    DemoForecast Forecast,
    DemoFaults Faults,
    IReadOnlyList<DemoHost> Hosts,
    IReadOnlyList<DemoEpoch> Epochs,
    IReadOnlyList<DemoContributor> TopContributors,
    DemoClaim? Claim,
    IReadOnlyList<DemoPhase> Phases,
    IReadOnlyList<string> Stopped,
    string? Failure);

/// <summary>The run's parameters. <see cref="DataFolder"/> is null unless --keep kept it.</summary>
public sealed record DemoRunInfo(
    int Seed, int Devices, int Owners, int Minutes, DateTimeOffset Start, DateTimeOffset End, int EpochMinutes, double VerificationFraction,
    IReadOnlyList<DemoModel> Models, string? DataFolder, double Seconds);

/// <summary>Ingest: every message is either accepted or rejected with a reason.</summary>
public sealed record DemoReadings(
    long MessagesSent, long ReplaysSent, long DroppedDeviceMinutes, int CaptureFiles, long Messages, long Accepted, long Readings,
    IReadOnlyDictionary<string, long> Rejected, int ScoringJobs, IReadOnlyList<string> Errors);

public sealed record DemoScoring(
    int Jobs, int Scored, int Poisoned, int Deferred, long Rows, int Retried, int Hedged, int Verified, int Mismatches, int Alerts, IReadOnlyList<string> Errors);

/// <summary>
/// Forecast error against the simulator's true segment speed 15 minutes after the forecast's last minute,
/// next to persistence (the speed at that last minute, carried forward). Null errors and a note when the
/// forecast model in use predicts no speed.
/// </summary>
public sealed record DemoForecast(string Model, long Forecasts, long Compared, double? MaeKmh, double? PersistenceMaeKmh, string Note);

/// <summary>Injected faults (truth.jsonl) against the sensor-quality scores at or above the fault threshold.</summary>
public sealed record DemoFaults(
    double Threshold, long ScoredDeviceMinutes, long Flagged, long FlaggedFaulty, double? Precision, IReadOnlyList<DemoFaultKind> Kinds, string Note);

/// <summary>One fault kind: device-minutes injected, how many of those were scored, and how many scored at or above the threshold.</summary>
public sealed record DemoFaultKind(string Kind, long Injected, long Scored, long Detected, string CaughtBy);

public sealed record DemoHost(
    string Name, string Address, string Url, bool Misbehaving, string Status, long Checks, long FailedChecks, string? QuarantineReason, string? Evidence);

public sealed record DemoEpoch(
    long Epoch, DateTimeOffset Start, DateTimeOffset End, string Root, string? OnChainRoot, string? TransactionHash, long? Block, long? GasUsed,
    string EpochTotal, int Accounts, string Status);

public sealed record DemoContributor(string Account, string Role, string Data, string Compute, string Cumulative);

public sealed record DemoClaim(
    string Account, long Epoch, string Cumulative, string Paid, string BalanceBefore, string BalanceAfter, string TransactionHash, long GasUsed);

public sealed record DemoPhase(string Name, double Seconds, string Detail);

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase, WriteIndented = true)]
[JsonSerializable(typeof(DemoReport))]
internal sealed partial class DemoJsonContext : JsonSerializerContext;
