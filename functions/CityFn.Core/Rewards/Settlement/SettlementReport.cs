using System.Text.Json.Serialization;
using CityFn.Core.Rewards.Ledger;

namespace CityFn.Core.Rewards.Settlement;

/// <summary>
/// <c>rewards/epoch=N/report.json</c>: what the epoch paid and why, enough for anyone to audit it against the
/// ledger (amounts in base units as decimal strings; addresses 0x-lowercase). LedgerDigest: keccak256 of the
/// canonical ledger text (docs/rewards.md); PreviousEpoch: the epoch whose cumulative totals this one adds to
/// (null for the distributor's first epoch); EpochTotal: sum of the payouts, what publishing mints;
/// CumulativeTotal: sum of the tree's amounts; Accounts: values in the tree (every account ever paid).
/// The registry snapshot the settlement joined the ledger with is the devices' owner, cell, registration nonce
/// and sequence plus <see cref="UnregisteredDevices"/> (devices with samples but no registration, left out);
/// reports written before snapshots were recorded have neither (null).
/// </summary>
public sealed record SettlementReport(
    long Epoch,
    DateTimeOffset Start,
    DateTimeOffset End,
    string Root,
    string LedgerDigest,
    long? PreviousEpoch,
    string? PreviousRoot,
    string Pool,
    string DataPool,
    string ComputePool,
    string Unallocated,
    string EpochTotal,
    string CumulativeTotal,
    int Accounts,
    IReadOnlyList<ReportPayout> Payouts,
    IReadOnlyList<ReportDevice> Devices,
    IReadOnlyList<ReportHost> Hosts,
    IReadOnlyList<ReportQuarantine> Quarantines,
    IReadOnlyList<string>? UnregisteredDevices = null)
{
    /// <summary>
    /// The registrations the settlement used, or null for a report written before snapshots were recorded
    /// (verify-epoch then falls back to today's registry).
    /// </summary>
    public RegistrySnapshot? ToRegistrySnapshot()
    {
        if (UnregisteredDevices is null || Devices.Any(d => d.RegistrationNonce is null || d.RegistrationSequence is null))
        {
            return null;
        }

        return new RegistrySnapshot(
            Devices.ToDictionary(
                d => d.Device,
                d => new SnapshotRegistration(d.Owner, d.RegistrationNonce!.Value, d.RegistrationSequence!.Value, d.Cell),
                StringComparer.Ordinal),
            UnregisteredDevices.ToHashSet(StringComparer.Ordinal));
    }
}

/// <summary>One wallet's earnings this epoch and its cumulative amount after it.</summary>
public sealed record ReportPayout(string Account, string Data, string Compute, string Total, string Cumulative);

/// <summary>
/// A device's inputs and outcome (Earned, NoScore, CellCapReached); score with 18 decimals. Owner, cell,
/// registration nonce and sequence are the registration the settlement used (nonce and sequence are null in
/// reports written before they were recorded).
/// </summary>
public sealed record ReportDevice(
    string Device,
    string Owner,
    string Cell,
    long Accepted,
    long Expected,
    decimal Quality,
    string Score,
    string Outcome,
    string Amount,
    long? RegistrationNonce = null,
    long? RegistrationSequence = null);

public sealed record ReportHost(string Host, string Operator, string Score, bool Quarantined, string Amount);

public sealed record ReportQuarantine(string Host, string Reason);

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase, UseStringEnumConverter = true)]
[JsonSerializable(typeof(SettlementReport))]
[JsonSerializable(typeof(SettlementState))]
public sealed partial class SettlementJsonContext : JsonSerializerContext;
