using System.ComponentModel.DataAnnotations;

namespace CityFn.Core.Rewards;

/// <summary>The rewards policy knobs (DESIGN.md "Rewards policy"); configuration section <c>Rewards</c>.</summary>
public sealed class RewardsPolicyOptions
{
    public const string SectionName = "Rewards";

    /// <summary>Share of each epoch's pool for data contributors, in basis points; compute gets the rest.</summary>
    [Range(0, 10_000)]
    public int DataShareBasisPoints { get; set; } = 7_000;

    /// <summary>How many devices of one location cell earn (highest score first).</summary>
    [Range(1, 1_000)]
    public int MaxEarningDevicesPerCell { get; set; } = 3;
}
