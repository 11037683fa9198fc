using System.Numerics;

namespace CityFn.Contracts;

/// <summary>
/// Parameters of a new reward deployment. Roles may all be the deploying key locally; in production
/// the publisher is the settlement key, the guardian an operator key, the admin a multisig.
/// </summary>
public sealed record RewardDeploymentSettings(string Admin, string Publisher, string Guardian, BigInteger EpochCap)
{
    /// <summary>Number of the first epoch the distributor accepts (epochs then follow one by one).</summary>
    public BigInteger FirstEpoch { get; init; } = 1;

    public string TokenName { get; init; } = "CityFn Reward";

    public string TokenSymbol { get; init; } = "CITY";
}
