using System.Numerics;
using System.Security.Cryptography;
using Azure.Data.Tables;
using Azure.Storage.Blobs;
using CityFn.Contracts;
using CityFn.Core.Devices;
using CityFn.Core.Ethereum;
using CityFn.Core.Ingest;
using CityFn.Core.Rewards;
using CityFn.Core.Rewards.Ledger;
using CityFn.Core.Rewards.Settlement;
using CityFn.TestSupport;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using CityFn.Contracts.RewardDistributor;
using Nethereum.Contracts;
using Nethereum.RPC.Eth.DTOs;
using Nethereum.Signer;

namespace CityFn.Core.Tests.Rewards.Settlement;

/// <summary>
/// A fresh distributor on the shared Hardhat node (funded key 0 deploys and publishes) whose first epoch is a
/// random finished epoch, so tests sharing the settlement table never touch each other's epochs.
/// </summary>
internal sealed class SettlementBed : IDisposable
{
    public static readonly BigInteger Token = BigInteger.Pow(10, 18);

    private readonly AzuriteFixture _azurite;
    private readonly LocalChainFixture _chain;
    private readonly List<SettlementChain> _chains = [];

    private SettlementBed(AzuriteFixture azurite, LocalChainFixture chain, RewardDistributorService deployer, long firstEpoch)
    {
        _azurite = azurite;
        _chain = chain;
        Deployer = deployer;
        FirstEpoch = firstEpoch;
        Time = new FakeTimeProvider(DateTimeOffset.UtcNow);
    }

    public RewardsPolicyOptions Policy { get; } = new() { EpochPool = (1_000 * Token).ToString(System.Globalization.CultureInfo.InvariantCulture) };

    public SettlementOptions Timer { get; } = new() { GracePeriod = TimeSpan.FromMinutes(15), MaxEpochsPerRun = 24 };

    public RewardDistributorService Deployer { get; }

    public long FirstEpoch { get; }

    public FakeTimeProvider Time { get; set; }

    public EpochClock Clock => new(Policy.EpochLength);

    public TableServiceClient Tables => new(_azurite.ConnectionString);

    public SettlementStore Store => new(Tables, new BlobServiceClient(_azurite.ConnectionString));

    public EpochLedgerStore Ledger => new(Tables, new DeviceRegistryStore(Tables), Options.Create(Policy));

    public static async Task<SettlementBed> CreateAsync(AzuriteFixture azurite, LocalChainFixture chain)
    {
        var current = new EpochClock(TimeSpan.FromHours(1)).EpochOf(DateTimeOffset.UtcNow);
        var firstEpoch = current - RandomNumberGenerator.GetInt32(1_000, 400_000);
        var client = ClientFor(chain, 0);
        var settings = new RewardDeploymentSettings(client.Address, client.Address, client.Address, 1_000_000 * Token) { FirstEpoch = firstEpoch };
        var deployer = await RewardDistributorService.DeployAsync(client, settings);
        return new SettlementBed(azurite, chain, deployer, firstEpoch);
    }

    public static ChainClient ClientFor(LocalChainFixture chain, int keyIndex) =>
        new(chain.Chain.Endpoint.RpcUrl, chain.Chain.FundedKeys[keyIndex], chain.Chain.Endpoint.ChainId);

    /// <summary>A new stage with its own chain client, as a restarted process would have.</summary>
    public SettlementStage Stage(Func<SettlementCheckpoint, long, CancellationToken, Task>? afterStep = null)
    {
        var policy = Options.Create(Policy);
        return new SettlementStage(Ledger, Calculator(), Store, Chain(), policy, Options.Create(Timer), Time)
        {
            AfterStep = afterStep,
        };
    }

    public EpochVerifier Verifier() => new(Ledger, Calculator(), Store, Chain());

    public ContributorRewardsService Rewards() => new(Store, Chain());

    public RewardDistributorService DistributorFor(int keyIndex) => new(ClientFor(_chain, keyIndex), Deployer.Contracts);

    public EpochCalculator Calculator() =>
        new(new RewardAllocator(Options.Create(Policy)), Options.Create(Policy));

    /// <summary>Registers a device to a new owner and records <paramref name="accepted"/> samples for it in <paramref name="epoch"/>.</summary>
    public async Task<EthECKey> AddDeviceAsync(long epoch, long accepted, EthECKey? owner = null) =>
        (await AddRegisteredDeviceAsync(epoch, accepted, owner)).Owner;

    /// <summary>As <see cref="AddDeviceAsync"/>, also returning the device's registration (nonce 1).</summary>
    public async Task<(EthECKey Owner, DeviceRegistration Registration)> AddRegisteredDeviceAsync(long epoch, long accepted, EthECKey? owner = null)
    {
        owner ??= EthECKey.GenerateKey();
        var device = EthAddress.FromBytes(RandomNumberGenerator.GetBytes(20)).ToLowerHex();
        var registration = new DeviceRegistration(
            device, owner.GetPublicAddress().ToLowerInvariant(), SensorKind.Air,
            new GeoLocation(RandomNumberGenerator.GetInt32(-80, 80), RandomNumberGenerator.GetInt32(-170, 170), null), 1, DateTimeOffset.UtcNow);
        await new DeviceRegistryStore(Tables).SaveAsync(registration);
        await Ledger.RecordSamplesAsync([new SampleRecord(epoch, device, SourceOf(epoch), accepted)]);
        return (owner, registration);
    }

    /// <summary>The capture source <see cref="AddDeviceAsync"/> records samples under.</summary>
    public static string SourceOf(long epoch) => "capture-" + epoch;

    /// <summary>Every RootPublished event of the epoch: one per successful publish.</summary>
    public async Task<List<EventLog<RootPublishedEventDTO>>> RootPublishedLogsAsync(long epoch)
    {
        using var client = ClientFor(_chain, 0);
        var rootPublished = client.Web3.Eth.GetEvent<RootPublishedEventDTO>(Deployer.Contracts.DistributorAddress);
        return await rootPublished.GetAllChangesAsync(
            rootPublished.CreateFilterInput(new BigInteger(epoch), BlockParameter.CreateEarliest(), BlockParameter.CreateLatest()));
    }

    public void Dispose()
    {
        foreach (var chain in _chains)
        {
            chain.Dispose();
        }
    }

    private SettlementChain Chain()
    {
        var options = new ChainOptions
        {
            RpcUrl = _chain.Chain.Endpoint.RpcUrl,
            ChainId = _chain.Chain.Endpoint.ChainId,
            DistributorAddress = Deployer.Contracts.DistributorAddress,
        };
        var chain = new SettlementChain(Options.Create(options), new FixedSettlementKey(_chain.Chain.FundedKeys[0]));
        _chains.Add(chain);
        return chain;
    }
}
