using Azure.Data.Tables;
using CityFn.Core.EdgeHosts;
using CityFn.Core.Scoring;
using CityFn.Core.Scoring.Hosts;
using CityFn.TestSupport;

namespace CityFn.Scoring.Tests.Hosts;

[Collection(AzuriteCollection.Name)]
public sealed class EdgeHostPoolTests(AzuriteFixture azurite)
{
    [Fact]
    public async Task The_pool_picks_least_outstanding_weighted_by_latency_among_active_hosts_serving_the_model()
    {
        var model = "m-" + Guid.NewGuid().ToString("N")[..8];
        var tables = new TableServiceClient(azurite.ConnectionString);
        var registry = new EdgeHostRegistry(tables, TimeProvider.System);
        var fast = await RegisterAsync(registry, model);
        var slow = await RegisterAsync(registry, model);
        var other = await RegisterAsync(registry, model + "-other");
        var statistics = new HostStatistics(TimeProvider.System);
        var pool = new EdgeHostPool(registry, new QuarantineStore(tables), statistics, new ScoringOptions { RegistryRefresh = TimeSpan.Zero }, TimeProvider.System);
        var none = new HashSet<string>();

        // Never measured hosts are tried first.
        statistics.Started(slow);
        statistics.Succeeded(slow, model, TimeSpan.FromMilliseconds(40));
        Assert.Equal(fast, (await pool.PickAsync(model, none))!.Address);

        statistics.Started(fast);
        statistics.Succeeded(fast, model, TimeSpan.FromMilliseconds(4));
        Assert.Equal(fast, (await pool.PickAsync(model, none))!.Address);

        // 4 ms with 9 in flight ((9+1)×5 = 50) loses to 40 ms with none ((0+1)×41 = 41).
        for (var i = 0; i < 9; i++)
        {
            statistics.Started(fast);
        }

        Assert.Equal(slow, (await pool.PickAsync(model, none))!.Address);

        // Excluded, cooling down or quarantined hosts are not picked; a host without the model never is.
        Assert.Equal(fast, (await pool.PickAsync(model, new HashSet<string> { slow }))!.Address);
        statistics.Started(slow);
        statistics.Failed(slow, TimeSpan.FromMinutes(1));
        pool.Exclude(fast);
        Assert.Null(await pool.PickAsync(model, none));
        Assert.Equal(other, (await pool.PickAsync(model + "-other", none))!.Address);
    }

    private static async Task<string> RegisterAsync(EdgeHostRegistry registry, string model)
    {
        var key = OperatorKey.Generate();
        var result = await registry.RegisterAsync(new EdgeHostRegistration(key.Address, "http://127.0.0.1:9", [model], 8, DateTimeOffset.UtcNow.ToUnixTimeSeconds()).Sign(key));
        Assert.True(result.Accepted);
        return key.Address;
    }
}
