using CityFn.TestSupport;

namespace CityFn.Core.Tests;

[CollectionDefinition(Name)]
public sealed class AzuriteCollection : ICollectionFixture<AzuriteFixture>
{
    public const string Name = "Azurite";
}

/// <summary>Settlement tests: their own Azurite and a Hardhat node.</summary>
[CollectionDefinition(Name)]
public sealed class SettlementCollection : ICollectionFixture<AzuriteFixture>, ICollectionFixture<LocalChainFixture>
{
    public const string Name = "Settlement";
}
