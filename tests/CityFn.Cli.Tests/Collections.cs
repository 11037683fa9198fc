using CityFn.TestSupport;

namespace CityFn.Cli.Tests;

[CollectionDefinition(Name)]
public sealed class LocalDependenciesCollection : ICollectionFixture<AzuriteFixture>, ICollectionFixture<LocalChainFixture>
{
    public const string Name = "Local dependencies";
}
