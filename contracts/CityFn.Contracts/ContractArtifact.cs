using System.Text.Json;

namespace CityFn.Contracts;

/// <summary>A compiled contract from contracts/artifacts (embedded in this assembly at build time).</summary>
public sealed record ContractArtifact(string ContractName, string Abi, string Bytecode)
{
    public static ContractArtifact CityRewardToken { get; } = Load("CityRewardToken");

    public static ContractArtifact RewardDistributor { get; } = Load("RewardDistributor");

    /// <summary>Reads the artifact contracts/compile.js wrote for <paramref name="contractName"/>.</summary>
    public static ContractArtifact Load(string contractName)
    {
        var resource = $"CityFn.Contracts.Artifacts.{contractName}.json";
        using var stream = typeof(ContractArtifact).Assembly.GetManifestResourceStream(resource)
            ?? throw new InvalidOperationException(
                $"No embedded artifact {resource}: run `npm run compile:contracts` and rebuild CityFn.Contracts.");
        using var json = JsonDocument.Parse(stream);
        var root = json.RootElement;
        return new ContractArtifact(
            root.GetProperty("contractName").GetString()!,
            root.GetProperty("abi").GetRawText(),
            root.GetProperty("bytecode").GetString()!);
    }
}
