using System.Text.Json.Serialization;

namespace CityFn.Core.Dashboard;

/// <summary>
/// <c>GET /api/dashboard/data/network</c>: every road segment as a line from its start to its end, with the newest
/// congestion forecast (0 free flow … 1 jammed; null when no forecast exists yet). <see cref="Source"/> says where
/// the geometry came from: "road-network" (the published map) or "none" (no map published yet: no segments). Bands: the forecast's level (free, slow → moderate,
/// congested → heavy; see <see cref="CongestionBands"/>); the page colours by these bands.
/// </summary>
public sealed record NetworkView(DateTimeOffset AsOf, string Source, string? TimeZone, int Forecasts, IReadOnlyList<SegmentView> Segments);

/// <summary>One directed segment: where it starts and ends, whether it is an arterial, and its newest forecast (null fields when none).</summary>
public sealed record SegmentView(
    string Id,
    double FromLat,
    double FromLon,
    double ToLat,
    double ToLon,
    bool Arterial,
    double? Congestion,
    string Band,
    DateTimeOffset? ForecastFor,
    bool Alert);

/// <summary><c>GET /api/dashboard/data/sensors</c>: registered devices with their newest quality (at most <see cref="DashboardService.MaxSensors"/>).</summary>
public sealed record SensorsView(DateTimeOffset AsOf, int Total, IReadOnlyList<SensorView> Sensors);

/// <summary>A device: kind, position, and its newest quality score in [0, 1] (null before its first scoring) with its band.</summary>
public sealed record SensorView(
    string Device,
    string Owner,
    string Kind,
    double Lat,
    double Lon,
    string? Segment,
    double? Quality,
    string Band,
    DateTimeOffset? QualityTime,
    bool Alert);

/// <summary><c>GET /api/dashboard/data/alerts</c>: the newest alerts first.</summary>
public sealed record AlertsView(DateTimeOffset AsOf, IReadOnlyList<AlertView> Alerts);

/// <summary>One alert: congestion of a segment or a sensor fault, the score that raised it and the threshold.</summary>
public sealed record AlertView(string Id, string Type, string Entity, DateTimeOffset Time, double Score, double Threshold, string? Message);

/// <summary><c>GET /api/dashboard/data/epochs</c>: the newest settled epochs first (at most <see cref="DashboardService.MaxEpochs"/>).</summary>
public sealed record EpochsView(DateTimeOffset AsOf, IReadOnlyList<EpochView> Epochs);

/// <summary>
/// One epoch's settlement: status (Computed, Submitted, Confirmed), root, publish transaction, what it paid
/// (base units, decimal string) to how many accounts, and the largest payouts. Start and End are null when the
/// epoch's report is missing.
/// </summary>
public sealed record EpochView(
    long Epoch,
    DateTimeOffset? Start,
    DateTimeOffset? End,
    string Status,
    string Root,
    string? TransactionHash,
    long? Block,
    string EpochTotal,
    int Accounts,
    int PaidThisEpoch,
    IReadOnlyList<PayoutView> TopPayouts);

/// <summary>What one account earned in an epoch (base units, decimal strings) and its cumulative amount after it.</summary>
public sealed record PayoutView(string Account, string Data, string Compute, string Total, string Cumulative);

/// <summary>
/// <c>GET /api/dashboard/data/contributors/{address}</c>: what the account earned in each recent epoch (from the epoch
/// reports), and from the chain what it can claim, what it claimed and the proof to claim with. When the chain
/// cannot be read, <see cref="ChainError"/> says why and the chain fields are null.
/// </summary>
public sealed record ContributorView(
    string Account,
    IReadOnlyList<ContributorEpochView> Epochs,
    long? LatestEpoch,
    string? Root,
    string? Cumulative,
    string? ClaimedOnChain,
    string? Claimable,
    IReadOnlyList<string> Proof,
    string? ChainError);

/// <summary>The account's payout in one epoch (base units, decimal strings).</summary>
public sealed record ContributorEpochView(long Epoch, string Status, string Data, string Compute, string Total, string Cumulative);

/// <summary>An error the dashboard API answers with (bad address, unknown asset).</summary>
public sealed record DashboardError(string Error, string Detail);

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase)]
[JsonSerializable(typeof(NetworkView))]
[JsonSerializable(typeof(SensorsView))]
[JsonSerializable(typeof(AlertsView))]
[JsonSerializable(typeof(EpochsView))]
[JsonSerializable(typeof(ContributorView))]
[JsonSerializable(typeof(DashboardError))]
public sealed partial class DashboardJsonContext : JsonSerializerContext;
