namespace CityFn.Core.Rewards;

/// <summary>Everything one epoch's allocation reads: data and compute contributions and the hosts caught cheating.</summary>
public sealed record EpochLedger(
    long Epoch,
    IReadOnlyList<DataContribution> Data,
    IReadOnlyList<ComputeContribution> Compute,
    IReadOnlyList<HostQuarantine> Quarantines);
