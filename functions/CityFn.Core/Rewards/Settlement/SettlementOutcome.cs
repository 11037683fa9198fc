namespace CityFn.Core.Rewards.Settlement;

/// <summary>What one settle call did: the final state and the time each step it ran took.</summary>
public sealed record SettlementOutcome(SettlementState State, IReadOnlyList<SettlementStepTiming> Steps);

/// <summary>A step of a settlement run (read-ledger, allocate, tree, write-blobs, publish, confirm, …) and its wall time.</summary>
public sealed record SettlementStepTiming(string Step, TimeSpan Elapsed);

/// <summary>The chain holds another root for the epoch than the one computed: settlement stops and a person must look.</summary>
public sealed class SettlementConflictException(string message) : Exception(message);
