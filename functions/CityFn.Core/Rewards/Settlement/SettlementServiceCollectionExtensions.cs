using CityFn.Contracts;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace CityFn.Core.Rewards.Settlement;

public static class SettlementServiceCollectionExtensions
{
    /// <summary>
    /// Registers the settlement stage, verifier and contributor rewards with the <c>Chain</c> and <c>Settlement</c>
    /// settings (bad values fail at start, naming the setting) and the configured settlement key source
    /// (Key Vault in Azure, CITYFN_SETTLEMENT_KEY[_FILE] locally). Includes <see cref="RewardsServiceCollectionExtensions.AddCityFnRewards"/>.
    /// </summary>
    public static IServiceCollection AddCityFnSettlement(this IServiceCollection services)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.AddCityFnRewards();
        services.AddOptions<ChainOptions>().BindConfiguration(ChainOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();
        services.AddOptions<SettlementOptions>().BindConfiguration(SettlementOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<ISettlementKeySource, ConfiguredSettlementKeySource>();
        services.TryAddSingleton(provider => new SettlementChain(
            provider.GetRequiredService<Microsoft.Extensions.Options.IOptions<ChainOptions>>(),
            provider.GetRequiredService<ISettlementKeySource>(),
            provider.GetService<Microsoft.Extensions.Logging.ILogger<ChainClient>>()));
        services.TryAddSingleton<SettlementStore>();
        services.TryAddSingleton<EpochCalculator>();
        services.TryAddSingleton<SettlementStage>();
        services.TryAddSingleton<EpochVerifier>();
        services.TryAddSingleton<ContributorRewardsService>();
        return services;
    }
}
