using Microsoft.Extensions.DependencyInjection;

namespace CityFn.Core.Rewards;

public static class RewardsServiceCollectionExtensions
{
    /// <summary>
    /// Registers the <see cref="RewardAllocator"/> with the policy bound from the <c>Rewards</c> section;
    /// a policy value out of range fails at start, naming the setting.
    /// </summary>
    public static IServiceCollection AddCityFnRewards(this IServiceCollection services)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.AddOptions<RewardsPolicyOptions>()
            .BindConfiguration(RewardsPolicyOptions.SectionName)
            .ValidateDataAnnotations()
            .ValidateOnStart();
        services.AddSingleton<RewardAllocator>();
        return services;
    }
}
