using CityFn.TestSupport;

namespace CityFn.LocalDev.Tests;

[CollectionDefinition(Name)]
public sealed class AzuriteCollection : ICollectionFixture<AzuriteFixture>
{
    public const string Name = "Azurite";
}

[CollectionDefinition(Name)]
public sealed class LocalChainCollection : ICollectionFixture<LocalChainFixture>
{
    public const string Name = "Local chain";
}
