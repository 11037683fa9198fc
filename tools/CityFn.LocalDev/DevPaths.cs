namespace CityFn.LocalDev;

/// <summary>Where <c>cityfn dev</c> keeps its state, data and logs, and where it writes local settings.</summary>
public sealed record DevPaths(string RepoRoot, string StateDirectory, string LocalSettingsFile)
{
    /// <summary>The defaults inside a checkout: state under .cityfn/dev, settings for the Functions app.</summary>
    public static DevPaths ForRepository(string repoRoot) => new(
        repoRoot,
        Path.Combine(repoRoot, ".cityfn", "dev"),
        Path.Combine(repoRoot, "functions", "CityFn.Functions", "local.settings.json"));

    public string StateFile => Path.Combine(StateDirectory, "state.json");

    public string AzuriteData => Path.Combine(StateDirectory, "azurite");

    public string AzuriteLog => Path.Combine(StateDirectory, "azurite.log");

    public string ChainLog => Path.Combine(StateDirectory, "hardhat.log");

    public string LocalSettingsSample => Path.Combine(RepoRoot, "local.settings.sample.json");
}
