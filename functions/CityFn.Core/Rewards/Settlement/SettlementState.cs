namespace CityFn.Core.Rewards.Settlement;

/// <summary>Where an epoch's settlement stands. It only moves forward, except a dropped transaction (back to Computed).</summary>
public enum SettlementStatus
{
    /// <summary>Allocation, tree and report are in Blob; the root is fixed and will be published as is.</summary>
    Computed,

    /// <summary>The publish transaction was accepted by the node (hash recorded), not yet confirmed.</summary>
    Submitted,

    /// <summary>The root is on-chain with the configured confirmations.</summary>
    Confirmed,
}

/// <summary>
/// One row of table <c>settlements</c>: the persisted state of one epoch's settlement. Root: the cumulative
/// Merkle root (0x hex) the epoch publishes; EpochTotal: base units minted for it (its payouts), decimal;
/// LedgerDigest: keccak256 of the ledger the allocation read (docs/rewards.md); Accounts: values in the tree;
/// PayoutsIndexed: the epoch's payouts are in table <c>payouts</c> (<see cref="PayoutIndex"/>), false for epochs
/// computed before the index existed, whose lookups read the report.
/// </summary>
public sealed record SettlementState(
    long Epoch,
    SettlementStatus Status,
    string Root,
    string EpochTotal,
    string LedgerDigest,
    int Accounts,
    DateTimeOffset ComputedAt,
    string? TransactionHash = null,
    long? Nonce = null,
    DateTimeOffset? SubmittedAt = null,
    long? Block = null,
    long? GasUsed = null,
    DateTimeOffset? ConfirmedAt = null,
    bool PayoutsIndexed = false);

/// <summary>Points of a settlement run where a test can stop it (as a crash would) before the next step.</summary>
public enum SettlementCheckpoint
{
    /// <summary>Blobs written, state saved as Computed.</summary>
    Computed,

    /// <summary>Publish transaction accepted by the node; its hash is not saved yet.</summary>
    Sent,

    /// <summary>State saved as Submitted with the hash; confirmations not awaited yet.</summary>
    Submitted,

    /// <summary>State saved as Confirmed.</summary>
    Confirmed,
}
