using CityFn.Core.Devices;
using CityFn.Core.EdgeHosts;
using CityFn.Core.Ingest;
using CityFn.Core.Network;
using CityFn.Core.Rewards;
using CityFn.Core.Scoring.Alerts;
using CityFn.Core.Scoring.Features;
using CityFn.Core.Scoring.Hosts;
using CityFn.Core.Scoring.Outputs;
using CityFn.Core.Scoring.Verification;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace CityFn.Core.Scoring;

public static class ScoringServiceCollectionExtensions
{
    /// <summary>
    /// The scoring stage with its host pool, OIP client, CPU reference, outputs and the two models
    /// (the trained <see cref="TrafficForecastModel"/> and <see cref="SensorQualityModel"/>), with
    /// <see cref="ScoringOptions"/> from section "Scoring". Needs AddCityFnStorage; adds the rewards services
    /// (epoch ledger) when missing. To use other models, register other <see cref="IScoringModel"/>s instead.
    /// </summary>
    public static IServiceCollection AddCityFnScoring(this IServiceCollection services)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.AddOptions<ScoringOptions>().BindConfiguration(ScoringOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton(sp => sp.GetRequiredService<IOptions<ScoringOptions>>().Value);
        services.TryAddSingleton(TimeProvider.System);
        if (!services.Any(s => s.ServiceType == typeof(RewardAllocator)))
        {
            services.AddCityFnRewards();
        }

        services.TryAddSingleton<EdgeHostRegistry>();
        // One per process: its cache of parsed readings files is shared by every job the process scores.
        services.TryAddSingleton<ReadingsFileHistory>();
        services.TryAddSingleton<IDetectorHistory>(sp => sp.GetRequiredService<ReadingsFileHistory>());
        services.TryAddSingleton<DeviceRegistryStore>();
        services.TryAddSingleton<RoadNetworkStore>();
        services.TryAddSingleton<CityLayoutCache>();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IScoringModel, TrafficForecastModel>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IScoringModel, SensorQualityModel>());
        // One pooled client for all hosts; each call has its own timeout (ScoringOptions.CallTimeout).
        services.AddSingleton(_ => new OipInferenceClient(new HttpClient(new SocketsHttpHandler
        {
            PooledConnectionLifetime = TimeSpan.FromMinutes(5),
            ConnectTimeout = TimeSpan.FromSeconds(5),
        })
        { Timeout = Timeout.InfiniteTimeSpan }));
        services.AddSingleton<HostStatistics>();
        services.AddSingleton<QuarantineStore>();
        services.AddSingleton<EdgeHostPool>();
        services.AddSingleton<InferenceDispatcher>();
        services.AddSingleton<CpuReference>();
        services.AddSingleton<VerificationSampler>();
        services.AddSingleton<AlertLog>();
        services.AddSingleton<ScoreOutputWriter>();
        services.AddSingleton<VerificationLog>();
        services.AddSingleton<ScoringJobStore>();
        services.AddSingleton<ScoreStage>();
        services.AddSingleton<ScoreQueueDrainer>();
        services.AddSingleton<DeviceIngestStatsStore>();
        services.AddSingleton<EdgeHostStatusReader>();
        return services;
    }
}
