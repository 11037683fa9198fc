namespace CityFn.Contracts;

/// <summary>Where a reward deployment lives.</summary>
public sealed record RewardContracts(string TokenAddress, string DistributorAddress);
