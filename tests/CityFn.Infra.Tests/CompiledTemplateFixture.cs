using System.Text.Json.Nodes;
using CityFn.LocalDev;

namespace CityFn.Infra.Tests;

/// <summary>Lints and compiles infra/main.bicep once for all tests; exposes the ARM JSON and every resource in it.</summary>
public sealed class CompiledTemplateFixture : IAsyncLifetime
{
    private readonly string _output = Directory.CreateTempSubdirectory("cityfn-bicep-").FullName;

    public string RepoRoot { get; } = RepositoryRoot.Find();

    public (int ExitCode, string Output) Lint { get; private set; }

    public (int ExitCode, string Output) Build { get; private set; }

    public JsonObject Template { get; private set; } = [];

    /// <summary>Every resource, nested deployments flattened, with the deployment (module) it is in.</summary>
    public IReadOnlyList<(string Module, JsonObject Resource)> Resources { get; private set; } = [];

    public async Task InitializeAsync()
    {
        Lint = await BicepCli.RunAsync(RepoRoot, "lint", "infra/main.bicep");
        var armPath = Path.Combine(_output, "main.json");
        Build = await BicepCli.RunAsync(RepoRoot, "build", "infra/main.bicep", "--outfile", armPath);
        if (File.Exists(armPath))
        {
            Template = JsonNode.Parse(await File.ReadAllTextAsync(armPath))!.AsObject();
            var resources = new List<(string, JsonObject)>();
            Collect("main", Template, resources);
            Resources = resources;
        }
    }

    public Task DisposeAsync()
    {
        Directory.Delete(_output, recursive: true);
        return Task.CompletedTask;
    }

    public IEnumerable<JsonObject> OfType(string type) =>
        Resources.Where(r => (string?)r.Resource["type"] == type).Select(r => r.Resource);

    public JsonObject Single(string type) => Assert.Single(OfType(type));

    /// <summary>The template of a module (nested deployment) by its deployment name.</summary>
    public JsonObject Module(string name) =>
        OfType("Microsoft.Resources/deployments").Single(d => (string?)d["name"] == name)["properties"]!["template"]!.AsObject();

    private static void Collect(string module, JsonObject template, List<(string, JsonObject)> into)
    {
        var resources = template["resources"] switch
        {
            JsonArray array => array.Select(r => r!.AsObject()),
            JsonObject byName => byName.Select(r => r.Value!.AsObject()),
            _ => [],
        };
        foreach (var resource in resources)
        {
            into.Add((module, resource));
            if ((string?)resource["type"] == "Microsoft.Resources/deployments")
            {
                Collect((string)resource["name"]!, resource["properties"]!["template"]!.AsObject(), into);
            }
        }
    }
}
