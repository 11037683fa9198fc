using CityFn.Core.Scoring;
using CityFn.Core.Storage;
using CityFn.LocalDev;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace CityFn.Cli.Scoring;

/// <summary>The scoring stage wired as the Functions app wires it (AddCityFnStorage + AddCityFnScoring), for `cityfn score` and the benchmark.</summary>
public static class ScoringServices
{
    /// <summary>
    /// Settings come from the environment (<c>Scoring__…</c>, <c>Rewards__…</c>) with <paramref name="overrides"/>
    /// on top. The CPU reference reads the repository's <c>models/</c> folder unless a setting names another.
    /// Logs go to standard error, so that `--json` output stays one object on standard output.
    /// </summary>
    public static ServiceProvider Build(string connectionString, IDictionary<string, string?>? overrides = null, LogLevel logLevel = LogLevel.Warning)
    {
        var defaults = new Dictionary<string, string?>
        {
            ["AzureWebJobsStorage"] = connectionString,
            ["Scoring:ReferenceModels"] = Path.Combine(RepositoryRoot.Find(), "models"),
        };
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(defaults)
            .AddEnvironmentVariables()
            .AddInMemoryCollection(overrides ?? new Dictionary<string, string?>())
            .Build();
        var services = new ServiceCollection();
        services.AddSingleton<IConfiguration>(configuration);
        services.AddLogging(logging => logging
            .AddConsole(console => console.LogToStandardErrorThreshold = LogLevel.Trace)
            .AddSimpleConsole(console => console.SingleLine = true)
            .SetMinimumLevel(logLevel));
        services.AddCityFnStorage(configuration);
        services.AddCityFnScoring();
        return services.BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true });
    }
}
