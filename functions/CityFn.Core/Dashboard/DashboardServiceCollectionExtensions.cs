using CityFn.Core.Devices;
using CityFn.Core.Network;
using CityFn.Core.Scoring.Alerts;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace CityFn.Core.Dashboard;

public static class DashboardServiceCollectionExtensions
{
    /// <summary>
    /// The dashboard's query service and the stores it reads. Needs the storage clients (AddCityFnStorage, or
    /// Table/Blob/Queue service clients) and the settlement services (AddCityFnSettlement) for the contributor lookup.
    /// </summary>
    public static IServiceCollection AddCityFnDashboard(this IServiceCollection services)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<RoadNetworkStore>();
        services.TryAddSingleton<AlertLog>();
        services.TryAddSingleton<DeviceRegistryStore>();
        services.TryAddSingleton<DashboardService>();
        return services;
    }
}
