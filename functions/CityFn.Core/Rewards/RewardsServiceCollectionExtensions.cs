using CityFn.Core.Devices;
using CityFn.Core.Rewards.Ledger;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace CityFn.Core.Rewards;

public static class RewardsServiceCollectionExtensions
{
    /// <summary>
    /// Registers the <see cref="RewardAllocator"/> and the <see cref="EpochLedgerStore"/> with the policy bound
    /// from the <c>Rewards</c> section; a policy value out of range fails at start, naming the setting.
    /// The ledger store needs a <c>TableServiceClient</c> (AddCityFnStorage).
    /// </summary>
    public static IServiceCollection AddCityFnRewards(this IServiceCollection services)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.AddOptions<RewardsPolicyOptions>()
            .BindConfiguration(RewardsPolicyOptions.SectionName)
            .ValidateDataAnnotations()
            .ValidateOnStart();
        services.AddSingleton<RewardAllocator>();
        services.TryAddSingleton<DeviceRegistryStore>();
        services.TryAddSingleton<EpochLedgerStore>();
        return services;
    }
}
