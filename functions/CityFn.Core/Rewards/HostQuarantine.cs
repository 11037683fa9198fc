using CityFn.Core.Ethereum;

namespace CityFn.Core.Rewards;

/// <summary>A host caught by a spot check in the epoch: it earns nothing for that epoch.</summary>
/// <param name="Epoch">The epoch number.</param>
/// <param name="Host">The quarantined host.</param>
/// <param name="Reason">Why, for the epoch report (for example the id of the mismatch evidence).</param>
public sealed record HostQuarantine(long Epoch, EthAddress Host, string Reason);
