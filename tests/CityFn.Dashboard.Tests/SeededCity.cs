using System.Globalization;
using System.Numerics;
using System.Security.Cryptography;
using Azure.Data.Tables;
using Azure.Storage.Blobs;
using CityFn.Cli.Dashboard;
using CityFn.Cli.Scoring;
using CityFn.Contracts;
using CityFn.Core.Devices;
using CityFn.Core.Ethereum;
using CityFn.Core.Ingest;
using CityFn.Core.Network;
using CityFn.Core.Rewards;
using CityFn.Core.Rewards.Ledger;
using CityFn.Core.Rewards.Settlement;
using CityFn.Core.Scoring.Features;
using CityFn.Core.Scoring.Outputs;
using CityFn.TestSupport;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Nethereum.Signer;

namespace CityFn.Dashboard.Tests;

/// <summary>
/// A small city written through the real stores: a 3×3 grid road network (24 directed segments), five registered
/// devices, one scoring job's forecasts and quality scores (ScoreOutputWriter, which logs the alerts), and one epoch
/// settled on the Hardhat node (SettlementStage: report, tree, root published and confirmed).
/// </summary>
internal sealed record SeededCity(
    DashboardSettings Settings,
    RoadNetworkMap Map,
    IReadOnlyDictionary<string, double> Congestion,
    IReadOnlyDictionary<string, double> Quality,
    IReadOnlyList<DeviceRegistration> Devices,
    long Epoch,
    string RichOwner,
    string PoorOwner,
    SettlementState Settlement)
{
    public const string FreeSegment = "seg-r0c0-E";
    public const string ModerateSegment = "seg-r1c0-E";
    public const string HeavySegment = "seg-r1c1-E";

    /// <summary>Every seeded segment's free-flow speed.</summary>
    public const double FreeFlowKmh = 50;

    public static async Task<SeededCity> CreateAsync(AzuriteFixture azurite, LocalChainFixture chain)
    {
        var connection = azurite.ConnectionString;
        var tables = new TableServiceClient(connection);
        var blobs = new BlobServiceClient(connection);
        var now = DateTimeOffset.UtcNow;

        var map = Grid(3, 3);
        await new RoadNetworkStore(blobs).SaveAsync(map);

        var richOwner = EthECKey.GenerateKey().GetPublicAddress().ToLowerInvariant();
        var poorOwner = EthECKey.GenerateKey().GetPublicAddress().ToLowerInvariant();
        var segments = map.Segments.ToDictionary(s => s.Id);
        DeviceRegistration Device(string owner, SensorKind kind, double lat, double lon, string? segment) =>
            new(EthAddress.FromBytes(RandomNumberGenerator.GetBytes(20)).ToLowerHex(), owner, kind, new GeoLocation(lat, lon, segment), 1, now.AddDays(-3));
        MapSegment At(string id) => segments[id];
        var devices = new List<DeviceRegistration>
        {
            Device(richOwner, SensorKind.Traffic, Mid(At(FreeSegment)).Lat, Mid(At(FreeSegment)).Lon, FreeSegment),
            Device(richOwner, SensorKind.Traffic, Mid(At(ModerateSegment)).Lat, Mid(At(ModerateSegment)).Lon, ModerateSegment),
            Device(poorOwner, SensorKind.Traffic, Mid(At(HeavySegment)).Lat, Mid(At(HeavySegment)).Lon, HeavySegment),
            Device(poorOwner, SensorKind.Air, 52.3695, 4.8990, null),
            Device(richOwner, SensorKind.Noise, 52.3660, 4.8950, null),
        };
        var store = new DeviceRegistryStore(tables);
        foreach (var device in devices)
        {
            await store.SaveAsync(device);
        }

        var congestion = new Dictionary<string, double> { [FreeSegment] = 0.05, [ModerateSegment] = 0.30, [HeavySegment] = 0.86 };
        var quality = new Dictionary<string, double> { [devices[0].Device] = 0.95, [devices[1].Device] = 0.65, [devices[3].Device] = 0.12 };
        await WriteScoresAsync(connection, now, congestion, quality, devices);

        var settled = await SettleAsync(chain, connection, tables, now, devices);
        return new SeededCity(
            new DashboardSettings(connection, chain.Chain.Endpoint.RpcUrl, chain.Chain.Endpoint.ChainId, settled.Distributor),
            map, congestion, quality, devices, settled.State.Epoch, richOwner, poorOwner, settled.State);
    }

    // One traffic and one air job through the scoring stage's writer: latest-forecast and latest-quality tables,
    // Parquet, and the alert log. Forecasts are speeds on 50 km/h segments: congestion 0.86 is 7 km/h, below the
    // 30 km/h alert speed (0.6 × free-flow); 0.88 fault probability is over the 0.8 threshold.
    private static async Task WriteScoresAsync(
        string connection, DateTimeOffset now, Dictionary<string, double> congestion, Dictionary<string, double> quality, List<DeviceRegistration> devices)
    {
        await using var services = ScoringServices.Build(connection);
        var writer = services.GetRequiredService<ScoreOutputWriter>();
        var models = services.GetServices<IScoringModel>().ToList();
        var forecastModel = models.First(m => m.Output == ScoreOutputKind.Forecast);
        var qualityModel = models.First(m => m.Output == ScoreOutputKind.Quality);
        var window = new DateTimeOffset(now.Year, now.Month, now.Day, now.Hour, now.Minute / 5 * 5, 0, TimeSpan.Zero).AddMinutes(-5);

        var trafficJob = new ScoreJob("dashboard-test-traffic", "capture/dashboard-test", "traffic", "readings/dashboard-test.parquet", 3, 180, window, window.AddMinutes(5));
        await writer.WriteAsync(trafficJob, [new ModelScores(forecastModel, [.. congestion.Select(c =>
            new ScoredRow(new FeatureRow(c.Key, "traffic", 1, window.AddMinutes(5), window.AddMinutes(20), LatestSpeedKmh: 45, FreeFlowSpeedKmh: FreeFlowKmh), FreeFlowKmh * (1 - c.Value), "host-a", Verified: true))])]);

        var kinds = devices.ToDictionary(d => d.Device, d => SensorKinds.WireName(d.Kind));
        var qualityJob = new ScoreJob("dashboard-test-quality", "capture/dashboard-test", "air", "readings/dashboard-test-q.parquet", 3, 180, window, window.AddMinutes(5));
        await writer.WriteAsync(qualityJob, [new ModelScores(qualityModel, [.. quality.Select(q =>
            new ScoredRow(new FeatureRow(q.Key, kinds[q.Key], 1, window, window.AddMinutes(5)), 1 - q.Value, "host-a", Verified: false))])]);
    }

    // A fresh distributor whose first epoch ended hours ago; the rich owner's detector sent every expected sample
    // (60), the poor owner's 30: the 1000-token pool splits 2:1.
    private static async Task<(SettlementState State, string Distributor)> SettleAsync(
        LocalChainFixture chain, string connection, TableServiceClient tables, DateTimeOffset now, List<DeviceRegistration> devices)
    {
        var epoch = new EpochClock(TimeSpan.FromHours(1)).EpochOf(now) - 3;
        using var deployer = new ChainClient(chain.Chain.Endpoint.RpcUrl, chain.Chain.FundedKeys[0], chain.Chain.Endpoint.ChainId);
        var distributor = await RewardDistributorService.DeployAsync(
            deployer, new RewardDeploymentSettings(deployer.Address, deployer.Address, deployer.Address, BigInteger.Pow(10, 24)) { FirstEpoch = epoch });

        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Chain:RpcUrl"] = chain.Chain.Endpoint.RpcUrl,
            ["Chain:ChainId"] = chain.Chain.Endpoint.ChainId.ToString(CultureInfo.InvariantCulture),
            ["Chain:DistributorAddress"] = distributor.Contracts.DistributorAddress,
        }).Build();
        await using var services = new ServiceCollection()
            .AddSingleton<IConfiguration>(configuration)
            .AddSingleton(tables)
            .AddSingleton(new BlobServiceClient(connection))
            .AddSingleton<ISettlementKeySource>(new FixedSettlementKey(chain.Chain.FundedKeys[0]))
            .AddCityFnSettlement()
            .BuildServiceProvider();
        await services.GetRequiredService<EpochLedgerStore>().RecordSamplesAsync(
        [
            new SampleRecord(epoch, devices[0].Device, "capture/dashboard-test", 60),
            new SampleRecord(epoch, devices[2].Device, "capture/dashboard-test", 30),
        ]);
        var outcome = await services.GetRequiredService<SettlementStage>().SettleAsync(epoch);
        return (outcome.State, distributor.Contracts.DistributorAddress);
    }

    /// <summary>Intersections r{row}c{col} ~300 m apart in Amsterdam; a segment each way between neighbours, no U-turns.</summary>
    private static RoadNetworkMap Grid(int rows, int columns)
    {
        GeoPoint Point(int row, int column) => new(52.3720 - (row * 0.0027), 4.8900 + (column * 0.0044));
        var ends = new List<(string Id, (int R, int C) From, (int R, int C) To)>();
        foreach (var (dr, dc, heading) in new[] { (0, 1, "E"), (0, -1, "W"), (1, 0, "S"), (-1, 0, "N") })
        {
            for (var r = 0; r < rows; r++)
            {
                for (var c = 0; c < columns; c++)
                {
                    if (r + dr is >= 0 && r + dr < rows && c + dc is >= 0 && c + dc < columns)
                    {
                        ends.Add(($"seg-r{r}c{c}-{heading}", (r, c), (r + dr, c + dc)));
                    }
                }
            }
        }

        var segments = ends.Select(s => new MapSegment(
            s.Id, Point(s.From.R, s.From.C), Point(s.To.R, s.To.C), s.From.R == 1 ? 2 : 1, Arterial: s.From.R == 1 && s.To.R == 1, FreeFlowKmh,
            [.. ends.Where(o => o.To == s.From && o.From != s.To).Select(o => o.Id)],
            [.. ends.Where(o => o.From == s.To && o.To != s.From).Select(o => o.Id)])).ToList();
        return new RoadNetworkMap(RoadNetworkMap.CurrentVersion, "Europe/Amsterdam", segments);
    }

    private static GeoPoint Mid(MapSegment segment) => new((segment.From.Lat + segment.To.Lat) / 2, (segment.From.Lon + segment.To.Lon) / 2);
}
