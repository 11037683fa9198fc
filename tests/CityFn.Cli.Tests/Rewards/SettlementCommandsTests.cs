using System.Globalization;
using System.Security.Cryptography;
using System.Text.Json;
using Azure.Data.Tables;
using CityFn.Core.Devices;
using CityFn.Core.Ingest;
using CityFn.Core.Rewards;
using CityFn.Core.Rewards.Ledger;
using CityFn.TestSupport;
using Microsoft.Extensions.Options;
using Nethereum.Signer;

namespace CityFn.Cli.Tests.Rewards;

[Collection(LocalDependenciesCollection.Name)]
public sealed class SettlementCommandsTests(AzuriteFixture azurite, LocalChainFixture chain) : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("cityfn-settle-").FullName;

    [Fact]
    public async Task Deploy_settle_verify_and_claim_pay_the_contributor_its_epoch_reward_once()
    {
        var epoch = new EpochClock(TimeSpan.FromHours(1)).EpochOf(DateTimeOffset.UtcNow) - RandomNumberGenerator.GetInt32(1_000, 400_000);
        var deployment = Path.Combine(_directory, "deployment.json");
        var publisherKey = WriteKey("publisher.key", chain.Chain.FundedKeys[0]);
        var gasKey = WriteKey("gas.key", chain.Chain.FundedKeys[1]);
        var owner = EthECKey.GenerateKey();
        var ownerKey = WriteKey("owner.key", owner.GetPrivateKey());
        string[] where = ["--storage", azurite.ConnectionString, "--deployment-file", deployment];

        var deployed = await CliRun.InvokeAsync(
            "chain", "deploy", "--rpc-url", chain.Chain.Endpoint.RpcUrl, "--chain-id", chain.Chain.Endpoint.ChainId.ToString(CultureInfo.InvariantCulture),
            "--key-file", publisherKey, "--first-epoch", epoch.ToString(CultureInfo.InvariantCulture), "--deployment-file", deployment);
        await RecordDeviceAsync(epoch, owner.GetPublicAddress().ToLowerInvariant());
        var settled = await CliRun.InvokeAsync(["settle", "--epoch", epoch.ToString(CultureInfo.InvariantCulture), "--key-file", publisherKey, .. where]);
        var verified = await CliRun.InvokeAsync(["verify-epoch", epoch.ToString(CultureInfo.InvariantCulture), .. where]);
        var claimed = await CliRun.InvokeAsync(["claim", "--key-file", ownerKey, "--gas-key-file", gasKey, .. where]);
        var again = await CliRun.InvokeAsync(["claim", "--key-file", ownerKey, "--gas-key-file", gasKey, .. where]);

        Assert.True(deployed.ExitCode == 0, deployed.Output);
        Assert.Contains("distributor", deployed.Output, StringComparison.Ordinal);
        Assert.True(settled.ExitCode == 0, settled.Output);
        Assert.Contains("\"status\":\"Confirmed\"", settled.Output, StringComparison.Ordinal);
        Assert.True(verified.ExitCode == 0, verified.Output);
        Assert.Contains("epoch verified", verified.Output, StringComparison.Ordinal);
        Assert.True(claimed.ExitCode == 0, claimed.Output);
        using var claim = JsonDocument.Parse(claimed.Output);
        Assert.Equal("1000000000000000000000", claim.RootElement.GetProperty("paid").GetString());
        Assert.Equal("0", claim.RootElement.GetProperty("balanceBefore").GetString());
        Assert.Equal(1, again.ExitCode);
        Assert.Contains("nothing to claim", again.Output, StringComparison.Ordinal);
        Assert.DoesNotContain(owner.GetPrivateKey()[2..], claimed.Output + settled.Output, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task Settle_without_an_epoch_or_with_an_unfinished_one_says_what_to_do()
    {
        var deployment = Path.Combine(_directory, "deployment.json");
        var publisherKey = WriteKey("publisher.key", chain.Chain.FundedKeys[0]);
        await CliRun.InvokeAsync(
            "chain", "deploy", "--rpc-url", chain.Chain.Endpoint.RpcUrl, "--key-file", publisherKey, "--deployment-file", deployment);
        var future = new EpochClock(TimeSpan.FromHours(1)).EpochOf(DateTimeOffset.UtcNow) + 5;

        var neither = await CliRun.InvokeAsync("settle", "--storage", azurite.ConnectionString, "--deployment-file", deployment);
        var unfinished = await CliRun.InvokeAsync(
            "settle", "--epoch", future.ToString(CultureInfo.InvariantCulture), "--key-file", publisherKey, "--storage", azurite.ConnectionString, "--deployment-file", deployment);

        Assert.Equal(2, neither.ExitCode);
        Assert.Contains("--epoch N or --due", neither.Output, StringComparison.Ordinal);
        Assert.Equal(2, unfinished.ExitCode);
        Assert.Contains("can be settled after", unfinished.Output, StringComparison.Ordinal);
    }

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    private async Task RecordDeviceAsync(long epoch, string owner)
    {
        var tables = new TableServiceClient(azurite.ConnectionString);
        var device = DeviceKey.Generate().Address;
        await new DeviceRegistryStore(tables).SaveAsync(
            new DeviceRegistration(device, owner, SensorKind.Noise, new GeoLocation(48.1, 11.6, null), 1, DateTimeOffset.UtcNow));
        var ledger = new EpochLedgerStore(tables, new DeviceRegistryStore(tables), Options.Create(new RewardsPolicyOptions()));
        await ledger.RecordSamplesAsync([new SampleRecord(epoch, device, "capture/noise/0.avro", 60)]);
    }

    private string WriteKey(string name, string key)
    {
        var path = Path.Combine(_directory, name);
        File.WriteAllText(path, key);
        return path;
    }
}
