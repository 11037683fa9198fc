using CityFn.Core.Ethereum;

namespace CityFn.Core.Rewards;

/// <summary>
/// Verified inference work of one edge host on one model in one epoch, as scoring records it in the epoch ledger.
/// A host that runs several models has one record per model.
/// </summary>
/// <param name="Epoch">The epoch number.</param>
/// <param name="Host">The edge host's address (its identity key).</param>
/// <param name="Operator">The payout wallet the host is registered to.</param>
/// <param name="Model">The model the rows were scored with.</param>
/// <param name="VerifiedRows">Scored rows accepted in the epoch.</param>
/// <param name="ModelCostWeight">Relative cost of one row of this model (0 or more); used to 18 decimals.</param>
public sealed record ComputeContribution(
    long Epoch,
    EthAddress Host,
    EthAddress Operator,
    string Model,
    long VerifiedRows,
    decimal ModelCostWeight);
