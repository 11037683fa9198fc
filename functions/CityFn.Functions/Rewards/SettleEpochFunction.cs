using CityFn.Core.Rewards.Settlement;
using Microsoft.Azure.Functions.Worker;

namespace CityFn.Functions.Rewards;

/// <summary>
/// Every 5 minutes: settles every epoch that ended at least Settlement__GracePeriod ago and is not confirmed,
/// in order (the stage decides which; a run that finds nothing due does nothing). The same stage as
/// <c>cityfn settle</c>; a run that crashed is finished by the next one, and an epoch a manual run is settling
/// right now is left to it (logged) until the next tick.
/// </summary>
public sealed class SettleEpochFunction(SettlementStage stage)
{
    public const string Schedule = "0 */5 * * * *";

    [Function("SettleEpoch")]
    public async Task Run([TimerTrigger(Schedule)] TimerInfo timer, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(timer);
        await stage.SettleDueOnScheduleAsync(cancellationToken);
    }
}
