using System.CommandLine;
using System.Globalization;
using CityFn.Cli.Rewards;
using CityFn.Core.Health;
using CityFn.Core.Storage;
using CityFn.LocalDev;
using Microsoft.Extensions.Configuration;
using Spectre.Console;

namespace CityFn.Cli.Dashboard;

/// <summary>
/// <c>cityfn dashboard [--port N]</c>: serves the dashboard page and its JSON routes from the local (or given)
/// storage and chain until Ctrl+C, the same page the Functions app serves at <c>/api/dashboard</c>.
/// </summary>
public static class DashboardCommand
{
    public const int DefaultPort = 7080;

    public static Command Build(IAnsiConsole console)
    {
        var environment = new RewardsEnvironment();
        var port = new Option<int>("--port") { Description = $"Port on 127.0.0.1 to serve on (0: any free port). Default: {DefaultPort}.", DefaultValueFactory = _ => DefaultPort };
        var command = new Command("dashboard", "Serve the dashboard (road network by forecast congestion, sensors by quality, alerts, epoch rewards, contributor lookup) on 127.0.0.1 until Ctrl+C.")
        {
            port,
        };
        environment.AddTo(command);

        CliAction.Set(command, console, async (parseResult, cancellationToken) =>
        {
            var portNumber = parseResult.GetValue(port);
            if (portNumber is < 0 or > 65535)
            {
                console.MarkupLineInterpolated($"[red]error:[/] --port must be 0 to 65535, got {portNumber}.");
                return CliAction.UserError;
            }

            var settings = Resolve(environment, parseResult);
            var health = await StorageHealthProbe.Create(StorageConnection.FromConnectionString(settings.StorageConnectionString), TimeProvider.System).CheckAsync(cancellationToken);
            if (!health.Healthy)
            {
                throw new DependencyUnavailableException(
                    "The storage account is not reachable: " + string.Join("; ", health.Storage.Where(s => !s.Reachable).Select(s => $"{s.Service}: {s.Error}")),
                    "Start Azurite with `cityfn dev up`, or pass --storage with a reachable account's connection string.");
            }

            DashboardServer server;
            try
            {
                server = await DashboardServer.StartAsync(settings, portNumber, cancellationToken: cancellationToken);
            }
            catch (IOException exception)
            {
                throw new DependencyUnavailableException($"Cannot listen on 127.0.0.1:{portNumber}: {exception.Message}", "Pass another --port (0 picks a free one).", exception);
            }

            await using (server)
            {
                console.MarkupLineInterpolated($"Dashboard: [link]{server.PageUrl}[/]");
                if (settings.DistributorAddress is null)
                {
                    console.MarkupLine("[yellow]no RewardDistributor known[/]: the contributor lookup shows rewards per epoch, not the claim status (run `cityfn chain deploy` or pass --distributor).");
                }
                else
                {
                    console.MarkupLineInterpolated($"chain {settings.RpcUrl}, distributor {settings.DistributorAddress}");
                }

                console.MarkupLine("Press Ctrl+C to stop.");
                try
                {
                    await Task.Delay(Timeout.Infinite, cancellationToken);
                }
                catch (OperationCanceledException)
                {
                    // Ctrl+C: stop the server below and exit normally.
                }
            }

            console.MarkupLine("stopped");
            return CliAction.Ok;
        });
        return command;
    }

    /// <summary>
    /// Each value from its flag, else the environment (<c>Chain__*</c>), else what `cityfn chain deploy` and `cityfn dev up`
    /// saved. Unlike the settlement commands, a missing chain is not an error here: the page shows what it can.
    /// </summary>
    private static DashboardSettings Resolve(RewardsEnvironment environment, ParseResult parseResult)
    {
        var dev = DevState.Load(DevPaths.ForRepository(RepositoryRoot.Find()).StateFile);
        var deployment = RewardsDeploymentFile.Load(parseResult.GetValue(environment.DeploymentFile) ?? RewardsEnvironment.DefaultDeploymentFile());
        var variables = new ConfigurationBuilder().AddEnvironmentVariables().Build();
        var storage = parseResult.GetValue(environment.Storage) ?? (dev?.Azurite ?? AzuriteEndpoints.Default).ConnectionString;
        var rpcUrl = parseResult.GetValue(environment.RpcUrl) ?? variables["Chain:RpcUrl"] ?? deployment?.RpcUrl ?? dev?.Chain.RpcUrl;
        var chainId = parseResult.GetValue(environment.ChainId)
            ?? (long.TryParse(variables["Chain:ChainId"], CultureInfo.InvariantCulture, out var id) ? id : (long?)null)
            ?? deployment?.ChainId ?? dev?.Chain.ChainId ?? 31337;
        var distributor = parseResult.GetValue(environment.Distributor) ?? variables["Chain:DistributorAddress"] ?? deployment?.DistributorAddress;
        return new DashboardSettings(storage, rpcUrl, chainId, distributor);
    }
}
