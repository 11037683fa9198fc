using CityFn.TestSupport;

namespace CityFn.Contracts.Tests;

[CollectionDefinition(Name)]
public sealed class LocalChainCollection : ICollectionFixture<LocalChainFixture>
{
    public const string Name = "Local chain";
}
