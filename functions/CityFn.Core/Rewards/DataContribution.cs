using CityFn.Core.Ethereum;

namespace CityFn.Core.Rewards;

/// <summary>
/// What one device contributed in one epoch, as ingest records it in the epoch ledger.
/// </summary>
/// <param name="Epoch">The epoch number.</param>
/// <param name="Device">The device's address (its identity key).</param>
/// <param name="Owner">The payout wallet the device is bound to.</param>
/// <param name="CellId">The location cell the device reports from; at most N devices per cell earn.</param>
/// <param name="AcceptedSamples">Readings accepted in the epoch.</param>
/// <param name="ExpectedSamples">Readings expected in the epoch from the device's reporting interval; 0 earns nothing.</param>
/// <param name="Quality">Sensor quality in [0, 1] from the quality model and rule checks; used to 18 decimals.</param>
/// <param name="RegistrationSequence">Registration order (lower registered earlier); breaks score ties in a cell.</param>
public sealed record DataContribution(
    long Epoch,
    EthAddress Device,
    EthAddress Owner,
    string CellId,
    long AcceptedSamples,
    long ExpectedSamples,
    decimal Quality,
    long RegistrationSequence);
