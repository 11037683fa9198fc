using System.ComponentModel.DataAnnotations;

namespace CityFn.Core.Rewards.Settlement;

/// <summary>When the SettleEpoch timer settles (section <c>Settlement</c>).</summary>
public sealed class SettlementOptions
{
    public const string SectionName = "Settlement";

    /// <summary>How long after an epoch's end it is settled: late capture files and scoring jobs land in the ledger first.</summary>
    [Range(typeof(TimeSpan), "00:00:00", "7.00:00:00")]
    public TimeSpan GracePeriod { get; set; } = TimeSpan.FromMinutes(15);

    /// <summary>Most epochs one timer run settles (catching up after an outage continues on the next run).</summary>
    [Range(1, 10_000)]
    public int MaxEpochsPerRun { get; set; } = 24;
}
