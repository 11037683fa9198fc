using System.CommandLine;
using CityFn.LocalDev;
using Spectre.Console;

namespace CityFn.Cli.Dev;

/// <summary><c>cityfn dev up|status|down</c>: the local dependencies in the background.</summary>
public static class DevCommands
{
    public static Command Build(IAnsiConsole console)
    {
        var dev = new Command("dev", "Run Azurite and a local Hardhat chain in the background for `func start` and the CLI.");

        var up = new Command("up", "Start Azurite (blob 10000, queue 10001, table 10002) and a Hardhat node (8545, chain id 31337), and write functions/CityFn.Functions/local.settings.json.");
        CliAction.Set(up, console, async (_, cancellationToken) =>
        {
            var environment = DevEnvironment.ForRepository(RepositoryRoot.Find());
            DevStatus status = null!;
            await console.Status().StartAsync("Starting local dependencies…", async context =>
            {
                var progress = new Progress<string>(message => context.Status(Markup.Escape(message)));
                status = await environment.UpAsync(progress, cancellationToken);
            });
            DevStatusTable.Write(console, status);
            console.MarkupLine("Next: [bold]cd functions/CityFn.Functions && func start[/]   Stop with [bold]cityfn dev down[/].");
            return CliAction.Ok;
        });

        var status = new Command("status", "Show what `cityfn dev up` started, by PID, and whether it answers. Exit code 1 when not everything is ready.");
        CliAction.Set(status, console, async (_, cancellationToken) =>
        {
            var environment = DevEnvironment.ForRepository(RepositoryRoot.Find());
            var current = await environment.StatusAsync(cancellationToken);
            if (current.Services.Count == 0)
            {
                console.MarkupLine("Nothing is running. Start it with [bold]cityfn dev up[/].");
                return CliAction.NotOk;
            }

            DevStatusTable.Write(console, current);
            if (!current.AllReady)
            {
                console.MarkupLine("[yellow]Not everything is ready.[/] Restart with [bold]cityfn dev down[/] then [bold]cityfn dev up[/]; logs are listed above.");
            }

            return current.AllReady ? CliAction.Ok : CliAction.NotOk;
        });

        var down = new Command("down", "Stop what `cityfn dev up` started (by PID) and discard its local data.");
        CliAction.Set(down, console, (_, _) =>
        {
            var environment = DevEnvironment.ForRepository(RepositoryRoot.Find());
            var stopped = environment.Down();
            console.MarkupLine(stopped.Count == 0
                ? "Nothing was running."
                : $"Stopped {Markup.Escape(string.Join(", ", stopped))}.");
            return Task.FromResult(CliAction.Ok);
        });

        dev.Subcommands.Add(up);
        dev.Subcommands.Add(status);
        dev.Subcommands.Add(down);
        return dev;
    }
}
