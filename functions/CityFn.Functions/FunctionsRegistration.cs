using CityFn.Core.Dashboard;
using CityFn.Core.EdgeHosts;
using CityFn.Core.Health;
using CityFn.Core.Ingest;
using CityFn.Core.Rewards.Settlement;
using CityFn.Core.Scoring;
using CityFn.Core.Storage;
using CityFn.Functions.Middleware;
using Microsoft.Extensions.Hosting;
using Microsoft.Azure.Functions.Worker.Builder;
using Microsoft.Extensions.DependencyInjection;

namespace CityFn.Functions;

public static class FunctionsRegistration
{
    /// <summary>Everything the functions need: middleware, storage clients and the stages they call.</summary>
    public static FunctionsApplicationBuilder AddCityFnFunctions(this FunctionsApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.UseMiddleware<ExceptionHandlingMiddleware>();
        builder.Services.AddSingleton(TimeProvider.System);
        builder.Services.AddCityFnStorage(builder.Configuration);
        builder.Services.AddSingleton<StorageHealthProbe>();
        builder.Services.AddCityFnIngest();
        builder.Services.AddSingleton<EdgeHostRegistry>();
        builder.Services.AddCityFnSettlement();
        builder.Services.AddCityFnScoring();
        builder.Services.AddCityFnDashboard();
        return builder;
    }
}
