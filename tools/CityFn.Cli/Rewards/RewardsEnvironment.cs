using System.CommandLine;
using System.Globalization;
using Azure.Data.Tables;
using Azure.Storage.Blobs;
using CityFn.Core.Rewards.Settlement;
using CityFn.LocalDev;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace CityFn.Cli.Rewards;

/// <summary>
/// The options the settlement commands share and the services they build from them: the same stages the
/// Functions app registers (AddCityFnSettlement), pointed at the local (or given) storage and chain.
/// Each value comes from its flag, else the environment (<c>Chain__RpcUrl</c>, <c>Chain__DistributorAddress</c>, …,
/// and every <c>Rewards__*</c> policy setting), else what <c>cityfn dev up</c> and <c>cityfn chain deploy</c> saved.
/// </summary>
internal sealed class RewardsEnvironment
{
    public Option<string?> Storage { get; } = new("--storage") { Description = "Storage connection string. Default: the Azurite that `cityfn dev up` runs." };

    public Option<string?> RpcUrl { get; } = new("--rpc-url") { Description = "Chain JSON-RPC URL. Default: $Chain__RpcUrl, else the chain of `cityfn dev up`." };

    public Option<long?> ChainId { get; } = new("--chain-id") { Description = "Chain id. Default: $Chain__ChainId, else the dev chain's (31337)." };

    public Option<string?> Distributor { get; } = new("--distributor") { Description = "RewardDistributor address. Default: $Chain__DistributorAddress, else the one `cityfn chain deploy` saved." };

    public Option<string?> DeploymentFile { get; } = new("--deployment-file") { Description = "Deployment file written by `cityfn chain deploy`. Default: .cityfn/dev/rewards-deployment.json." };

    public static string DefaultDeploymentFile() =>
        Path.Combine(DevPaths.ForRepository(RepositoryRoot.Find()).StateDirectory, "rewards-deployment.json");

    public void AddTo(Command command)
    {
        command.Options.Add(Storage);
        command.Options.Add(RpcUrl);
        command.Options.Add(ChainId);
        command.Options.Add(Distributor);
        command.Options.Add(DeploymentFile);
    }

    /// <summary>The services; <paramref name="settlementKey"/> replaces the configured key source (Key Vault / environment).</summary>
    public ServiceProvider Build(ParseResult parseResult, ISettlementKeySource? settlementKey = null)
    {
        var dev = DevState();
        var deployment = RewardsDeploymentFile.Load(parseResult.GetValue(DeploymentFile) ?? DefaultDeploymentFile());
        var environment = new ConfigurationBuilder().AddEnvironmentVariables().Build();
        var rpcUrl = parseResult.GetValue(RpcUrl) ?? environment["Chain:RpcUrl"] ?? deployment?.RpcUrl ?? dev?.Chain.RpcUrl
            ?? throw new DependencyUnavailableException("No chain to talk to.", "Start one with `cityfn dev up`, or pass --rpc-url.");
        var chainId = parseResult.GetValue(ChainId)
            ?? (long.TryParse(environment["Chain:ChainId"], CultureInfo.InvariantCulture, out var id) ? id : (long?)null)
            ?? deployment?.ChainId ?? dev?.Chain.ChainId ?? 31337;
        var distributor = parseResult.GetValue(Distributor) ?? environment["Chain:DistributorAddress"] ?? deployment?.DistributorAddress
            ?? throw new DependencyUnavailableException("No RewardDistributor is known.", "Deploy the contracts with `cityfn chain deploy`, or pass --distributor.");
        var connectionString = parseResult.GetValue(Storage) ?? (dev?.Azurite ?? AzuriteEndpoints.Default).ConnectionString;
        return BuildServices(connectionString, rpcUrl, chainId, distributor, settlementKey);
    }

    /// <summary>
    /// The settlement services (AddCityFnSettlement) for this storage account and chain; the environment's
    /// <c>Chain__*</c>, <c>Rewards__*</c> and <c>Settlement__*</c> settings apply, <paramref name="overrides"/> on top.
    /// </summary>
    public static ServiceProvider BuildServices(
        string connectionString, string rpcUrl, long chainId, string distributor, ISettlementKeySource? settlementKey = null,
        IDictionary<string, string?>? overrides = null, TimeProvider? timeProvider = null)
    {
        var environment = new ConfigurationBuilder().AddEnvironmentVariables().Build();
        var configuration = new ConfigurationBuilder()
            .AddEnvironmentVariables()
            .AddInMemoryCollection(new Dictionary<string, string?>
            {
                ["Chain:RpcUrl"] = rpcUrl,
                ["Chain:ChainId"] = chainId.ToString(CultureInfo.InvariantCulture),
                ["Chain:DistributorAddress"] = distributor,
                // The CLI talks to a local or test chain: one confirmation unless the environment asks for more.
                ["Chain:Confirmations"] = environment["Chain:Confirmations"] ?? "1",
                ["Chain:KeyVaultUri"] = environment["Chain:KeyVaultUri"] ?? "",
            })
            .AddInMemoryCollection(overrides ?? new Dictionary<string, string?>())
            .Build();
        var services = new ServiceCollection()
            .AddSingleton<IConfiguration>(configuration)
            .AddSingleton(new TableServiceClient(connectionString))
            .AddSingleton(new BlobServiceClient(connectionString))
            .AddSingleton(timeProvider ?? TimeProvider.System);
        if (settlementKey is not null)
        {
            services.AddSingleton(settlementKey);
        }

        services.AddCityFnSettlement();
        return services.BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true });
    }

    /// <summary>A key from --key-file, else none (the configured source decides: Key Vault or CITYFN_SETTLEMENT_KEY[_FILE]), else the dev chain's first funded key.</summary>
    public static ISettlementKeySource? SettlementKey(FileInfo? keyFile)
    {
        if (keyFile is not null)
        {
            return new FixedSettlementKey(ReadKeyFile(keyFile));
        }

        if (Environment.GetEnvironmentVariable(ConfiguredSettlementKeySource.KeyVariable) is { Length: > 0 }
            || Environment.GetEnvironmentVariable(ConfiguredSettlementKeySource.KeyFileVariable) is { Length: > 0 }
            || Environment.GetEnvironmentVariable("Chain__KeyVaultUri") is { Length: > 0 })
        {
            return null;
        }

        // Locally `cityfn dev up` funds keys; the first deploys the contracts and publishes (local settings use it too).
        return DevState() is { } dev ? new FixedSettlementKey(dev.FundedKeys[0]) : null;
    }

    public static string ReadKeyFile(FileInfo file)
    {
        if (!file.Exists)
        {
            throw new DependencyUnavailableException($"Key file {file.FullName} does not exist.", "Pass a file holding a private key as 0x + 64 hex digits.");
        }

        try
        {
            return SettlementKeys.Normalize(File.ReadAllText(file.FullName), $"key file {file.FullName}");
        }
        catch (InvalidOperationException exception)
        {
            throw new DependencyUnavailableException(exception.Message, "The file must hold one private key: 0x followed by 64 hex digits.", exception);
        }
    }

    private static DevState? DevState()
    {
        try
        {
            return LocalDev.DevState.Load(DevPaths.ForRepository(RepositoryRoot.Find()).StateFile);
        }
        catch (DependencyUnavailableException)
        {
            return null;
        }
    }
}
