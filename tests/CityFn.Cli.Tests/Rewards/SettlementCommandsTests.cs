using System.Globalization;
using System.Security.Cryptography;
using System.Text.Json;
using Azure.Data.Tables;
using Azure.Storage.Blobs;
using CityFn.Core.Devices;
using CityFn.Core.Ingest;
using CityFn.Core.Rewards;
using CityFn.Core.Rewards.Ledger;
using CityFn.Core.Rewards.Settlement;
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

    [Fact]
    public async Task Settle_refuses_an_epoch_another_run_is_settling_and_a_rerun_after_it_changes_nothing()
    {
        var (epoch, publisherKey, where) = await DeployAsync();
        await RecordDeviceAsync(epoch, EthECKey.GenerateKey().GetPublicAddress().ToLowerInvariant());
        string[] settle = ["settle", "--epoch", epoch.ToString(CultureInfo.InvariantCulture), "--key-file", publisherKey, .. where];
        var store = new SettlementStore(new TableServiceClient(azurite.ConnectionString), new BlobServiceClient(azurite.ConnectionString));

        (int ExitCode, string Output) refused;
        await using (await store.LeaseEpochAsync(epoch))
        {
            refused = await CliRun.InvokeAsync(settle);
        }

        var settled = await CliRun.InvokeAsync(settle);
        var rerun = await CliRun.InvokeAsync(settle);

        Assert.Equal(1, refused.ExitCode);
        Assert.Contains($"Epoch {epoch} is being settled by another run", refused.Output, StringComparison.Ordinal);
        Assert.True(settled.ExitCode == 0, settled.Output);
        Assert.Contains("\"status\":\"Confirmed\"", settled.Output, StringComparison.Ordinal);
        Assert.Contains("publish-and-confirm", settled.Output, StringComparison.Ordinal);
        Assert.True(rerun.ExitCode == 0, rerun.Output);
        Assert.Contains("\"status\":\"Confirmed\"", rerun.Output, StringComparison.Ordinal);
        Assert.DoesNotContain("publish-and-confirm", rerun.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Verify_epoch_passes_after_a_device_changes_owner_and_names_a_ledger_row_changed_after_settlement()
    {
        var (epoch, publisherKey, where) = await DeployAsync();
        var device = await RecordDeviceAsync(epoch, EthECKey.GenerateKey().GetPublicAddress().ToLowerInvariant());
        await CliRun.InvokeAsync(["settle", "--epoch", epoch.ToString(CultureInfo.InvariantCulture), "--key-file", publisherKey, .. where]);
        var tables = new TableServiceClient(azurite.ConnectionString);
        var registry = new DeviceRegistryStore(tables);
        var newOwner = EthECKey.GenerateKey().GetPublicAddress().ToLowerInvariant();

        await registry.SaveAsync((await registry.FindAsync(device))! with { Owner = newOwner, Nonce = 2 });
        var afterOwnerChange = await CliRun.InvokeAsync(["verify-epoch", epoch.ToString(CultureInfo.InvariantCulture), .. where]);
        await new EpochLedgerStore(tables, registry, Options.Create(new RewardsPolicyOptions()))
            .RecordSamplesAsync([new SampleRecord(epoch, device, "capture/noise/0.avro", 20)]);
        var afterTampering = await CliRun.InvokeAsync(["verify-epoch", epoch.ToString(CultureInfo.InvariantCulture), .. where]);

        Assert.True(afterOwnerChange.ExitCode == 0, afterOwnerChange.Output);
        Assert.Contains("report's registry snapshot", afterOwnerChange.Output, StringComparison.Ordinal);
        Assert.Contains($"device {device} re-registered since settlement", afterOwnerChange.Output, StringComparison.Ordinal);
        Assert.Contains($"-> {newOwner} (nonce 2)", afterOwnerChange.Output, StringComparison.Ordinal);
        Assert.Contains("epoch verified", afterOwnerChange.Output, StringComparison.Ordinal);
        Assert.Equal(1, afterTampering.ExitCode);
        Assert.Contains($"changed  device {device}: accepted samples 60 when settled, 20 now", afterTampering.Output, StringComparison.Ordinal);
        Assert.Contains("MISMATCH ledger digest", afterTampering.Output, StringComparison.Ordinal);
        Assert.Contains("epoch does NOT verify", afterTampering.Output, StringComparison.Ordinal);
    }

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    // A fresh distributor whose first epoch is a random finished one (tests share Azurite and the chain).
    private async Task<(long Epoch, string PublisherKey, string[] Where)> DeployAsync()
    {
        var epoch = new EpochClock(TimeSpan.FromHours(1)).EpochOf(DateTimeOffset.UtcNow) - RandomNumberGenerator.GetInt32(1_000, 400_000);
        var deployment = Path.Combine(_directory, $"deployment-{epoch}.json");
        var publisherKey = WriteKey($"publisher-{epoch}.key", chain.Chain.FundedKeys[0]);
        var deployed = await CliRun.InvokeAsync(
            "chain", "deploy", "--rpc-url", chain.Chain.Endpoint.RpcUrl, "--chain-id", chain.Chain.Endpoint.ChainId.ToString(CultureInfo.InvariantCulture),
            "--key-file", publisherKey, "--first-epoch", epoch.ToString(CultureInfo.InvariantCulture), "--deployment-file", deployment);
        Assert.True(deployed.ExitCode == 0, deployed.Output);
        return (epoch, publisherKey, ["--storage", azurite.ConnectionString, "--deployment-file", deployment]);
    }

    private async Task<string> RecordDeviceAsync(long epoch, string owner)
    {
        var tables = new TableServiceClient(azurite.ConnectionString);
        var device = DeviceKey.Generate().Address;
        await new DeviceRegistryStore(tables).SaveAsync(
            new DeviceRegistration(device, owner, SensorKind.Noise, new GeoLocation(48.1, 11.6, null), 1, DateTimeOffset.UtcNow));
        var ledger = new EpochLedgerStore(tables, new DeviceRegistryStore(tables), Options.Create(new RewardsPolicyOptions()));
        await ledger.RecordSamplesAsync([new SampleRecord(epoch, device, "capture/noise/0.avro", 60)]);
        return device;
    }

    private string WriteKey(string name, string key)
    {
        var path = Path.Combine(_directory, name);
        File.WriteAllText(path, key);
        return path;
    }
}
