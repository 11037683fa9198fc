using System.CommandLine;
using CityFn.Core.Health;
using CityFn.Core.Storage;
using CityFn.LocalDev;
using Spectre.Console;

namespace CityFn.Cli;

/// <summary><c>cityfn health</c>: can this machine reach the storage account and the chain the app uses?</summary>
public static class HealthCommand
{
    public static Command Build(IAnsiConsole console)
    {
        var storageOption = new Option<string?>("--storage")
        {
            Description = "Storage connection string. Default: the Azurite that `cityfn dev up` runs.",
        };
        var rpcOption = new Option<string?>("--rpc")
        {
            Description = "Chain JSON-RPC URL. Default: the Hardhat node that `cityfn dev up` runs.",
        };
        var command = new Command("health", "Check that the storage account (blob, queue, table) and the chain answer, the same checks GET /api/health makes.")
        {
            storageOption,
            rpcOption,
        };

        CliAction.Set(command, console, async (parseResult, cancellationToken) =>
        {
            var devState = DevState.Load(DevPaths.ForRepository(RepositoryRoot.Find()).StateFile);
            var storage = parseResult.GetValue(storageOption)
                ?? (devState?.Azurite ?? AzuriteEndpoints.Default).ConnectionString;
            var chain = devState?.Chain ?? ChainEndpoint.Default;
            var rpcUrl = parseResult.GetValue(rpcOption) ?? chain.RpcUrl;

            var probe = StorageHealthProbe.Create(StorageConnection.FromConnectionString(storage), TimeProvider.System);
            var report = await probe.CheckAsync(cancellationToken);
            using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
            var chainId = await new ChainEndpoint(new Uri(rpcUrl).Port, chain.ChainId).TryGetChainIdAsync(http, cancellationToken);

            var table = new Table().AddColumns("dependency", "state", "detail");
            foreach (var service in report.Storage)
            {
                table.AddRow(
                    new Text($"storage {service.Service}"),
                    new Markup(service.Reachable ? "[green]reachable[/]" : "[red]unreachable[/]"),
                    new Text(service.Error ?? $"{service.LatencyMs} ms"));
            }

            table.AddRow(
                new Text("chain"),
                new Markup(chainId is not null ? "[green]reachable[/]" : "[red]unreachable[/]"),
                new Text(chainId is not null ? $"{rpcUrl} chain id {chainId}" : rpcUrl));
            console.Write(table);

            if (!report.Healthy || chainId is null)
            {
                throw new DependencyUnavailableException(
                    "The local storage or chain is not reachable.",
                    "Start them with `cityfn dev up` (or pass --storage and --rpc for other endpoints).");
            }

            return CliAction.Ok;
        });
        return command;
    }
}
