using CityFn.Core.Rewards;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace CityFn.Core.Tests.Rewards;

public sealed class RewardsServiceCollectionExtensionsTests
{
    [Fact]
    public void The_policy_comes_from_the_Rewards_section()
    {
        var allocator = Services(new() { ["Rewards:DataShareBasisPoints"] = "5000" }).GetRequiredService<RewardAllocator>();

        var allocation = allocator.Allocate(Ledger.Of([Ledger.Device(1, 101, "a", 1, 1, 1m)], [Ledger.Host(11, 111, 1)]), 100);

        Assert.Equal(50, allocation.DataPool);
    }

    [Fact]
    public void An_out_of_range_setting_fails_naming_it()
    {
        var services = Services(new() { ["Rewards:MaxEarningDevicesPerCell"] = "0" });

        var error = Assert.Throws<OptionsValidationException>(() => services.GetRequiredService<IOptions<RewardsPolicyOptions>>().Value);

        Assert.Contains("MaxEarningDevicesPerCell", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("Rewards:EpochPool", "12.5", "EpochPool")]
    [InlineData("Rewards:ModelCostWeights", "traffic-forecast", "ModelCostWeights")]
    [InlineData("Rewards:ExpectedSampleInterval", "02:00:00", "ExpectedSampleInterval")]
    public void A_malformed_pool_weight_list_or_interval_fails_naming_the_setting(string key, string value, string named)
    {
        var services = Services(new() { [key] = value });

        var error = Assert.Throws<OptionsValidationException>(() => services.GetRequiredService<IOptions<RewardsPolicyOptions>>().Value);

        Assert.Contains(named, error.Message, StringComparison.Ordinal);
    }

    private static ServiceProvider Services(Dictionary<string, string?> settings) =>
        new ServiceCollection()
            .AddSingleton<IConfiguration>(new ConfigurationBuilder().AddInMemoryCollection(settings).Build())
            .AddCityFnRewards()
            .BuildServiceProvider();
}
