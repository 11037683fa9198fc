using System.Text.Json;
using System.Text.Json.Serialization;

namespace CityFn.Cli.Rewards;

/// <summary>
/// What <c>cityfn chain deploy</c> deployed, saved (default <c>.cityfn/dev/rewards-deployment.json</c>) so
/// settle, verify-epoch and claim find the contracts without flags. Holds no key.
/// </summary>
public sealed record RewardsDeploymentFile(string RpcUrl, long ChainId, string TokenAddress, string DistributorAddress, long FirstEpoch, DateTimeOffset DeployedAt)
{
    public static RewardsDeploymentFile? Load(string path)
    {
        if (!File.Exists(path))
        {
            return null;
        }

        try
        {
            return JsonSerializer.Deserialize(File.ReadAllText(path), RewardsDeploymentJsonContext.Default.RewardsDeploymentFile);
        }
        catch (JsonException exception)
        {
            throw new LocalDev.DependencyUnavailableException(
                $"The deployment file {path} is unreadable: {exception.Message}", "Deploy again with `cityfn chain deploy` or pass --distributor.", exception);
        }
    }

    public void Save(string path)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        File.WriteAllText(path, JsonSerializer.Serialize(this, RewardsDeploymentJsonContext.Default.RewardsDeploymentFile) + Environment.NewLine);
    }
}

[JsonSourceGenerationOptions(WriteIndented = true, PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase)]
[JsonSerializable(typeof(RewardsDeploymentFile))]
internal sealed partial class RewardsDeploymentJsonContext : JsonSerializerContext;
