using CityFn.TestSupport;

namespace CityFn.Contracts.Tests;

/// <summary>One Hardhat node and one reference tree builder for all chain tests.</summary>
[CollectionDefinition(Name)]
public sealed class LocalChainCollection : ICollectionFixture<LocalChainFixture>, ICollectionFixture<ReferenceTreeServer>
{
    public const string Name = "Local chain";
}
