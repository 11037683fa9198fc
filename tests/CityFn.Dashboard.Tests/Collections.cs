using CityFn.TestSupport;

namespace CityFn.Dashboard.Tests;

/// <summary>A seeded city behind a dashboard server, and a browser, started once for the tests that read it.</summary>
[CollectionDefinition(Name)]
public sealed class SeededCityCollection : ICollectionFixture<SeededCityFixture>, ICollectionFixture<ChromiumFixture>
{
    public const string Name = "Seeded city";
}

/// <summary>An empty storage account (its own Azurite) and no chain: what a fresh deployment shows.</summary>
[CollectionDefinition(Name)]
public sealed class EmptyCityCollection : ICollectionFixture<AzuriteFixture>, ICollectionFixture<ChromiumFixture>
{
    public const string Name = "Empty city";
}
