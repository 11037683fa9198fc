using CityFn.Core.Ingest;
using CityFn.Core.Scoring;
using CityFn.Core.Storage;
using CityFn.Functions.Scoring;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace CityFn.Functions.Tests.Scoring;

/// <summary>The functions with their dependencies registered as the app registers them, against the test's Azurite.</summary>
public static class FunctionsTestServices
{
    public static ServiceProvider Build(string connectionString)
    {
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?> { ["AzureWebJobsStorage"] = connectionString })
            .Build();
        var services = new ServiceCollection();
        services.AddSingleton<IConfiguration>(configuration);
        services.AddLogging();
        services.AddSingleton(TimeProvider.System);
        services.AddCityFnStorage(configuration);
        services.AddCityFnIngest();
        services.AddCityFnScoring();
        return services.BuildServiceProvider();
    }

    public static DevicesFunction Devices(string connectionString, Core.Devices.DeviceRegistryStore store)
    {
        var services = Build(connectionString);
        return new DevicesFunction(
            new Core.Devices.DeviceRegistrationService(store, new Core.Devices.DeviceRegistryOptions(), TimeProvider.System), store,
            services.GetRequiredService<DeviceIngestStatsStore>(), services.GetRequiredService<Core.Scoring.Outputs.ScoreOutputWriter>());
    }

    public static EdgeHostsFunction EdgeHosts(string connectionString) => ActivatorUtilities.CreateInstance<EdgeHostsFunction>(Build(connectionString));

    public static SegmentsFunction Segments(string connectionString) => ActivatorUtilities.CreateInstance<SegmentsFunction>(Build(connectionString));

    public static ScoreJobsFunction ScoreJobs(string connectionString) => ActivatorUtilities.CreateInstance<ScoreJobsFunction>(Build(connectionString));
}
