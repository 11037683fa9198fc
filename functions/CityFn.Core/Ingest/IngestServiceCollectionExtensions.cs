using CityFn.Core.Devices;
using CityFn.Core.Rewards;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace CityFn.Core.Ingest;

public static class IngestServiceCollectionExtensions
{
    /// <summary>
    /// The ingest stage and the device registry, with <see cref="IngestOptions"/> from section "Ingest" and
    /// <see cref="DeviceRegistryOptions"/> from "Devices", and the rewards ledger (AddCityFnRewards). Needs AddCityFnStorage.
    /// </summary>
    public static IServiceCollection AddCityFnIngest(this IServiceCollection services)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.AddOptions<IngestOptions>().BindConfiguration(IngestOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton(sp => sp.GetRequiredService<IOptions<IngestOptions>>().Value);
        services.AddSingleton<DeviceRegistryStore>();
        services.AddOptions<DeviceRegistryOptions>().BindConfiguration(DeviceRegistryOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton(sp => sp.GetRequiredService<IOptions<DeviceRegistryOptions>>().Value);
        services.TryAddSingleton(TimeProvider.System);
        services.AddSingleton<DeviceRegistrationService>();
        // Ingest records accepted samples in the rewards epoch ledger.
        services.AddCityFnRewards();
        services.AddSingleton<IngestStage>();
        services.AddSingleton<DeviceIngestStatsStore>();
        return services;
    }
}
