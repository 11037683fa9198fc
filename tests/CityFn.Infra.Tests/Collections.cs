namespace CityFn.Infra.Tests;

/// <summary>One lint + build of infra/main.bicep shared by every test class.</summary>
[CollectionDefinition(Name)]
public sealed class CompiledTemplateCollection : ICollectionFixture<CompiledTemplateFixture>
{
    public const string Name = "Compiled template";
}
