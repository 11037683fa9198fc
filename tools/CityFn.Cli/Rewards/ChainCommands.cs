using System.CommandLine;
using System.Globalization;
using System.Numerics;
using System.Text.Json.Nodes;
using CityFn.Contracts;
using CityFn.Core.Rewards;
using CityFn.LocalDev;
using Spectre.Console;

namespace CityFn.Cli.Rewards;

/// <summary><c>cityfn chain deploy</c>: the reward token and distributor on the local (or given) chain.</summary>
public static class ChainCommands
{
    public static Command Build(IAnsiConsole console)
    {
        var chain = new Command("chain", "The reward contracts on the settlement chain.");
        chain.Subcommands.Add(BuildDeploy(console));
        return chain;
    }

    private static Command BuildDeploy(IAnsiConsole console)
    {
        var environment = new RewardsEnvironment();
        var keyFile = new Option<FileInfo?>("--key-file")
        {
            Description = "Deployer key (becomes admin, publisher and guardian). Default: the settlement key ($CITYFN_SETTLEMENT_KEY[_FILE]), else the dev chain's first funded key.",
        };
        var firstEpoch = new Option<long?>("--first-epoch") { Description = "First epoch the distributor accepts. Default: the epoch before the current one (hour epochs: the last full hour)." };
        var epochCap = new Option<decimal>("--epoch-cap") { Description = "Most tokens one epoch may mint.", DefaultValueFactory = _ => 1_000_000m };
        var command = new Command("deploy", "Deploy CityRewardToken and RewardDistributor; print their addresses and save them for settle/claim (--deployment-file).")
        {
            keyFile, firstEpoch, epochCap, environment.RpcUrl, environment.ChainId, environment.DeploymentFile,
        };

        CliAction.Set(command, console, async (parseResult, cancellationToken) =>
        {
            var dev = DevState.Load(DevPaths.ForRepository(RepositoryRoot.Find()).StateFile);
            var rpcUrl = parseResult.GetValue(environment.RpcUrl) ?? Environment.GetEnvironmentVariable("Chain__RpcUrl") ?? dev?.Chain.RpcUrl
                ?? throw new DependencyUnavailableException("No chain to deploy to.", "Start one with `cityfn dev up`, or pass --rpc-url.");
            var chainId = parseResult.GetValue(environment.ChainId) ?? dev?.Chain.ChainId ?? 31337;
            var keySource = RewardsEnvironment.SettlementKey(parseResult.GetValue(keyFile))
                ?? new Core.Rewards.Settlement.ConfiguredSettlementKeySource(
                    Microsoft.Extensions.Options.Options.Create(new Core.Rewards.Settlement.ChainOptions()),
                    new Microsoft.Extensions.Configuration.ConfigurationBuilder().Build());
            var key = await keySource.GetPrivateKeyAsync(cancellationToken);
            var policy = new RewardsPolicyOptions();
            var clock = new EpochClock(
                TimeSpan.TryParse(Environment.GetEnvironmentVariable("Rewards__EpochLength"), CultureInfo.InvariantCulture, out var length) ? length : policy.EpochLength);
            var first = parseResult.GetValue(firstEpoch) ?? clock.EpochOf(DateTimeOffset.UtcNow) - 1;
            var cap = new BigInteger(parseResult.GetValue(epochCap) * 1_000_000m) * BigInteger.Pow(10, 12);

            using var client = new ChainClient(rpcUrl, key, chainId);
            var service = await RewardDistributorService.DeployAsync(
                client, new RewardDeploymentSettings(client.Address, client.Address, client.Address, cap) { FirstEpoch = first }, cancellationToken);
            var deployment = new RewardsDeploymentFile(rpcUrl, chainId, service.Contracts.TokenAddress, service.Contracts.DistributorAddress, first, DateTimeOffset.UtcNow);
            var givenFile = parseResult.GetValue(environment.DeploymentFile);
            var path = givenFile ?? RewardsEnvironment.DefaultDeploymentFile();
            deployment.Save(path);
            if (givenFile is null)
            {
                PointLocalSettingsAt(deployment);
            }

            console.MarkupLineInterpolated($"token        {deployment.TokenAddress}");
            console.MarkupLineInterpolated($"distributor  {deployment.DistributorAddress}");
            console.MarkupLineInterpolated($"first epoch  {first} (starts {clock.StartOf(first):u})");
            console.MarkupLineInterpolated($"publisher    {client.Address}");
            console.MarkupLineInterpolated($"saved        {path}");
            return CliAction.Ok;
        });
        return command;
    }

    // `func start` reads the distributor from local.settings.json, which `cityfn dev up` wrote.
    private static void PointLocalSettingsAt(RewardsDeploymentFile deployment)
    {
        var file = DevPaths.ForRepository(RepositoryRoot.Find()).LocalSettingsFile;
        if (!File.Exists(file) || JsonNode.Parse(File.ReadAllText(file)) is not JsonObject settings || settings["Values"] is not JsonObject values)
        {
            return;
        }

        values["Chain__DistributorAddress"] = deployment.DistributorAddress;
        File.WriteAllText(file, settings.ToJsonString(new System.Text.Json.JsonSerializerOptions { WriteIndented = true }) + Environment.NewLine);
    }
}
