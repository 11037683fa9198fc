using System.Reflection;
using System.Text.Json;
using Azure.Data.Tables;
using Azure.Storage.Blobs;
using CityFn.Core.Rewards.Settlement;
using CityFn.Functions.Rewards;
using CityFn.LocalDev;
using CityFn.TestSupport;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace CityFn.Functions.Tests.Rewards;

[Collection(AzuriteCollection.Name)]
public sealed class RewardsFunctionsTests(AzuriteFixture azurite)
{
    [Fact]
    public void SettleEpoch_is_a_timer_trigger_every_five_minutes_and_GetRewards_an_anonymous_GET_on_rewards_address()
    {
        var functions = ReadMetadata();

        var settle = Assert.Single(functions.EnumerateArray(), f => f.GetProperty("name").GetString() == "SettleEpoch");
        var timer = Assert.Single(settle.GetProperty("bindings").EnumerateArray(), b => b.GetProperty("type").GetString() == "timerTrigger");
        Assert.Equal("0 */5 * * * *", timer.GetProperty("schedule").GetString());
        var rewards = Assert.Single(functions.EnumerateArray(), f => f.GetProperty("name").GetString() == "GetRewards");
        var http = Assert.Single(rewards.GetProperty("bindings").EnumerateArray(), b => b.GetProperty("type").GetString() == "httpTrigger");
        Assert.Equal("rewards/{address}", http.GetProperty("route").GetString());
        Assert.Equal("Anonymous", http.GetProperty("authLevel").GetString());
    }

    [Theory]
    [InlineData("0x1234")]
    [InlineData("0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAeD")] // wrong EIP-55 checksum
    public async Task A_malformed_address_is_a_400_that_says_why(string address)
    {
        var function = new RewardsFunction(Rewards(new ChainOptions()));

        var result = Assert.IsType<BadRequestObjectResult>(await function.Get(new DefaultHttpContext().Request, address, CancellationToken.None));

        var problem = Assert.IsType<ProblemDetails>(result.Value);
        Assert.Equal("malformed_address", problem.Title);
        Assert.Contains(address, problem.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public void The_settlement_services_resolve_from_the_Chain_Settlement_and_Rewards_settings()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Chain:RpcUrl"] = "http://127.0.0.1:8545",
            ["Chain:DistributorAddress"] = "0x5FbDB2315678afecb367f032d93F642f64180aa3",
            ["Settlement:GracePeriod"] = "00:30:00",
        }).Build();
        using var services = new ServiceCollection()
            .AddSingleton<IConfiguration>(configuration)
            .AddSingleton(new TableServiceClient(azurite.ConnectionString))
            .AddSingleton(new BlobServiceClient(azurite.ConnectionString))
            .AddCityFnSettlement()
            .BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true });

        Assert.NotNull(new SettleEpochFunction(services.GetRequiredService<SettlementStage>()));
        Assert.NotNull(new RewardsFunction(services.GetRequiredService<ContributorRewardsService>()));
        Assert.NotNull(services.GetRequiredService<EpochVerifier>());
        Assert.Equal(TimeSpan.FromMinutes(30), services.GetRequiredService<IOptions<SettlementOptions>>().Value.GracePeriod);
    }

    private ContributorRewardsService Rewards(ChainOptions chain) => new(
        new SettlementStore(new TableServiceClient(azurite.ConnectionString), new BlobServiceClient(azurite.ConnectionString)),
        new SettlementChain(Options.Create(chain), new FixedSettlementKey("0x" + new string('1', 64))));

    private static JsonElement ReadMetadata()
    {
        var configuration = typeof(RewardsFunctionsTests).Assembly.GetCustomAttribute<AssemblyConfigurationAttribute>()!.Configuration;
        var path = Path.Combine(RepositoryRoot.Find(), "functions", "CityFn.Functions", "bin", configuration, "net10.0", "functions.metadata");
        using var document = JsonDocument.Parse(File.ReadAllText(path));
        return document.RootElement.Clone();
    }
}
