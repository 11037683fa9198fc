using System.Diagnostics;
using System.Numerics;
using Azure.Data.Tables;
using Azure.Storage.Blobs;
using CityFn.Contracts;
using CityFn.Core.Devices;
using CityFn.Core.Ethereum;
using CityFn.Core.Ingest;
using CityFn.Core.Rewards;
using CityFn.Core.Rewards.Ledger;
using CityFn.Core.Rewards.Settlement;
using CityFn.LocalDev;
using Microsoft.Extensions.Options;

namespace CityFn.Cli.Bench;

/// <summary>
/// Settles one epoch of N contributors end to end on a fresh Azurite and Hardhat node started for the run:
/// ledger read (with the device registry) → allocation → cumulative tree → report and tree to Blob →
/// publish → confirmed. Setting up the registry and the ledger is timed apart and not counted. Then a
/// contributor lookup over <see cref="LookupEpochs"/> epochs of this size (the settled epoch read that many times
/// in parallel, as the dashboard reads its recent epochs), once from the payout index and once from the reports.
/// </summary>
public static class SettleBenchmark
{
    /// <summary>The epochs a dashboard contributor lookup reads (DashboardService.MaxEpochs).</summary>
    public const int LookupEpochs = 24;

    public sealed record Result(
        int Contributors, int Devices, int Hosts, TimeSpan Setup, TimeSpan RegistrySetup, TimeSpan Total, IReadOnlyList<SettlementStepTiming> Steps, long GasUsed, int TreeValues,
        TimeSpan LookupFromIndex, TimeSpan LookupFromReports);

    public static async Task<Result> RunAsync(int contributors, CancellationToken cancellationToken = default)
    {
        // In memory: the loki file persistence of Azurite makes the 100k-device setup take most of an hour.
        await using var azurite = await AzuriteServer.StartAsync(inMemory: true, cancellationToken: cancellationToken);
        await using var chain = await LocalChain.StartAsync(cancellationToken: cancellationToken);
        var connection = azurite.Endpoints.ConnectionString;
        var tables = new TableServiceClient(connection);
        var policy = new RewardsPolicyOptions();
        var clock = new EpochClock(policy.EpochLength);
        var epoch = clock.EpochOf(DateTimeOffset.UtcNow) - 1;

        var setup = Stopwatch.StartNew();
        using var deployer = new ChainClient(chain.Endpoint.RpcUrl, chain.FundedKeys[0], chain.Endpoint.ChainId);
        var service = await RewardDistributorService.DeployAsync(
            deployer, new RewardDeploymentSettings(deployer.Address, deployer.Address, deployer.Address, BigInteger.Pow(10, 30)) { FirstEpoch = epoch },
            cancellationToken);
        var hosts = Math.Min(100, Math.Max(1, contributors / 10));
        var devices = contributors - hosts;
        var ledger = new EpochLedgerStore(tables, new DeviceRegistryStore(tables), Options.Create(policy));
        var registryWatch = Stopwatch.StartNew();
        await RegisterDevicesAsync(tables, devices, cancellationToken);
        var registrySetup = registryWatch.Elapsed;
        await ledger.RecordSamplesAsync(
            Enumerable.Range(0, devices).Select(i => new SampleRecord(epoch, Address(1, i), "bench-capture", 1 + (i % 60))), cancellationToken);
        await ledger.RecordComputeAsync(
            Enumerable.Range(0, hosts).Select(i => new ComputeRecord(epoch, Address(2, i), "traffic-forecast", "bench-job", 1_000 + i, Address(3, i))), cancellationToken);
        setup.Stop();

        var chainOptions = new ChainOptions { RpcUrl = chain.Endpoint.RpcUrl, ChainId = chain.Endpoint.ChainId, DistributorAddress = service.Contracts.DistributorAddress };
        using var settlementChain = new SettlementChain(Options.Create(chainOptions), new FixedSettlementKey(chain.FundedKeys[0]));
        var store = new SettlementStore(tables, new BlobServiceClient(connection));
        var stage = new SettlementStage(
            ledger,
            new EpochCalculator(new RewardAllocator(Options.Create(policy)), Options.Create(policy)),
            store,
            settlementChain,
            Options.Create(policy),
            Options.Create(new SettlementOptions()),
            TimeProvider.System);
        var total = Stopwatch.StartNew();
        var outcome = await stage.SettleAsync(epoch, cancellationToken);
        total.Stop();
        if (outcome.State.Accounts != contributors)
        {
            throw new InvalidOperationException(
                $"The settled tree has {outcome.State.Accounts} accounts, not {contributors}: the benchmark's registry rows no longer match DeviceRegistryStore.");
        }

        // A device owner from the middle of the tree; the same lookup with the state as settlement left it
        // before the index existed reads every epoch's report instead.
        var account = Address(4, devices / 2);
        var fromIndex = await TimeLookupAsync(store, outcome.State, account, cancellationToken);
        var fromReports = await TimeLookupAsync(store, outcome.State with { PayoutsIndexed = false }, account, cancellationToken);
        return new Result(
            contributors, devices, hosts, setup.Elapsed, registrySetup, total.Elapsed, outcome.Steps, outcome.State.GasUsed ?? 0, outcome.State.Accounts, fromIndex, fromReports);
    }

    private static async Task<TimeSpan> TimeLookupAsync(SettlementStore store, SettlementState state, string account, CancellationToken cancellationToken)
    {
        var watch = Stopwatch.StartNew();
        var payouts = await store.PayoutsOfAsync([.. Enumerable.Repeat(state, LookupEpochs)], account, cancellationToken);
        watch.Stop();
        if (payouts.Count != LookupEpochs || payouts.Any(p => p.FromIndex != state.PayoutsIndexed))
        {
            throw new InvalidOperationException($"The lookup of {account} found {payouts.Count} payouts, not {LookupEpochs} from the {(state.PayoutsIndexed ? "index" : "reports")}.");
        }

        return watch.Elapsed;
    }

    // One owner per device, each in its own 0.01° cell (so none is cut by the per-cell cap), in the rows
    // DeviceRegistryStore writes, bulk-loaded as transactions of 100 rows per partition: SaveAsync's
    // read-compare-write is three round trips per device. One transaction at a time, as Azurite refuses
    // overlapping ones.
    private static async Task RegisterDevicesAsync(TableServiceClient tables, int devices, CancellationToken cancellationToken)
    {
        var table = tables.GetTableClient(DeviceRegistryStore.TableName);
        await table.CreateIfNotExistsAsync(cancellationToken);
        var rows = Enumerable.Range(0, devices).Select(i => DeviceRegistryStore.ToEntity(new DeviceRegistration(
            Address(1, i), Address(4, i), SensorKind.Air, new GeoLocation((i / 1_000) * 0.01, (i % 1_000) * 0.01, null), 1,
            DateTimeOffset.UnixEpoch.AddSeconds(i))));
        foreach (var partition in rows.GroupBy(r => r.PartitionKey, StringComparer.Ordinal))
        {
            foreach (var chunk in partition.Chunk(100))
            {
                await table.SubmitTransactionAsync(chunk.Select(e => new TableTransactionAction(TableTransactionActionType.UpsertReplace, e)), cancellationToken);
            }
        }
    }

    // Distinct deterministic addresses: a kind byte and the index; the first byte varies with the index, as a
    // random address's would (it picks the registry partition).
    private static string Address(byte kind, int index)
    {
        var bytes = new byte[EthAddress.Size];
        bytes[0] = (byte)index;
        bytes[1] = kind;
        System.Buffers.Binary.BinaryPrimitives.WriteInt32BigEndian(bytes.AsSpan(16), index + 1);
        return EthAddress.FromBytes(bytes).ToLowerHex();
    }
}
