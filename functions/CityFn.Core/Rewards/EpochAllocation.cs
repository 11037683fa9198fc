using System.Numerics;
using CityFn.Core.Ethereum;

namespace CityFn.Core.Rewards;

/// <summary>
/// One epoch's rewards. Amounts are token base units; scores are fixed-point with <see cref="RewardScore.Scale"/>.
/// <see cref="Payouts"/> plus <see cref="Unallocated"/> add up to <see cref="Pool"/> exactly.
/// </summary>
/// <param name="Epoch">The epoch number.</param>
/// <param name="Pool">The pool the epoch paid out.</param>
/// <param name="DataPool">The part that went to data contributors (the whole pool when no host earned).</param>
/// <param name="ComputePool">The part that went to compute contributors (the whole pool when no device earned).</param>
/// <param name="Unallocated">The pool when nobody earned at all, else 0.</param>
/// <param name="Devices">Every device of the ledger, by device address.</param>
/// <param name="Hosts">Every host of the ledger, by host address.</param>
/// <param name="Payouts">What each wallet earned this epoch (more than 0), by address.</param>
public sealed record EpochAllocation(
    long Epoch,
    BigInteger Pool,
    BigInteger DataPool,
    BigInteger ComputePool,
    BigInteger Unallocated,
    IReadOnlyList<DeviceReward> Devices,
    IReadOnlyList<HostReward> Hosts,
    IReadOnlyList<Payout> Payouts);

/// <summary>Why a device earned or did not.</summary>
public enum DeviceOutcome
{
    Earned,

    /// <summary>Score 0: no accepted samples, no expected samples, or quality 0.</summary>
    NoScore,

    /// <summary>Its cell already had the maximum number of earning devices with better scores.</summary>
    CellCapReached,
}

public sealed record DeviceReward(EthAddress Device, EthAddress Owner, string CellId, BigInteger Score, DeviceOutcome Outcome, BigInteger Amount);

public sealed record HostReward(EthAddress Host, EthAddress Operator, BigInteger Score, bool Quarantined, BigInteger Amount);

/// <summary>One wallet's earnings in the epoch, split by kind.</summary>
public sealed record Payout(EthAddress Account, BigInteger Data, BigInteger Compute)
{
    public BigInteger Total => Data + Compute;
}
