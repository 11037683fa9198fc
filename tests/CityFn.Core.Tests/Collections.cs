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

/// <summary>
/// Tests that measure the process-wide live heap (GC.GetTotalMemory): they run alone, after the parallel
/// collections, because another collection allocating meanwhile reads as their own growth.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class HeapMeasurementCollection
{
    public const string Name = "Heap measurement";
}
