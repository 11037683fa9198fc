namespace CityFn.Core.Rewards.Ledger;

/// <summary>
/// The device registrations an epoch's ledger was joined with: for every device with samples in the epoch,
/// the registration that was paid (<see cref="Registered"/>, by 0x-lowercase device address) or none
/// (<see cref="Unregistered"/>: the device was left out). Settlement records it in the epoch report, and
/// verify-epoch joins the ledger rows with it instead of today's registry, so a device re-registered to a
/// new owner after settlement does not read as a changed ledger.
/// </summary>
public sealed record RegistrySnapshot(
    IReadOnlyDictionary<string, SnapshotRegistration> Registered,
    IReadOnlySet<string> Unregistered);

/// <summary>
/// One device's registration as settlement used it: the payout owner and the registration's nonce identify
/// it; the registration sequence (RegisteredAt in ticks) and the location cell are what the allocation read.
/// </summary>
public sealed record SnapshotRegistration(string Owner, long Nonce, long RegistrationSequence, string Cell);

/// <summary>A device whose registration today is not the one the snapshot holds (re-registered, or removed: Current null).</summary>
public sealed record RegistrationChange(string Device, SnapshotRegistration Snapshot, SnapshotRegistration? Current);

/// <summary>
/// An epoch's ledger and the registrations it was joined with. <see cref="Changes"/> lists devices whose
/// registration today differs from the snapshot the ledger was read against (empty when read against today's).
/// </summary>
public sealed record LedgerRead(EpochLedger Ledger, RegistrySnapshot Registry, IReadOnlyList<RegistrationChange> Changes);
