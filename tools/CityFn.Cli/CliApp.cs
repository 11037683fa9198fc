using System.CommandLine;
using CityFn.Cli.Dev;
using CityFn.Cli.Edge;
using Spectre.Console;

namespace CityFn.Cli;

/// <summary>The <c>cityfn</c> command tree. Each command composes the same stages the Functions app runs.</summary>
public static class CliApp
{
    public static RootCommand BuildRootCommand(IAnsiConsole console)
    {
        var root = new RootCommand(
            "cityfn: run and operate CityFn locally (smart-city analytics on Azure Functions, ONNX edge hosts and on-chain rewards).");
        root.Subcommands.Add(DevCommands.Build(console));
        root.Subcommands.Add(HealthCommand.Build(console));
        root.Subcommands.Add(Rewards.RewardsCommands.Build(console));
        root.Subcommands.Add(Ingest.IngestCommand.Build(console));
        root.Subcommands.Add(Devices.RegisterCommand.Build(console));
        root.Subcommands.Add(Simulate.SimulateCommand.Build(console));
        root.Subcommands.Add(Network.NetworkCommands.Build(console));
        root.Subcommands.Add(EdgeCommands.Build(console));
        root.Subcommands.Add(Scoring.ScoreCommand.Build(console));
        root.Subcommands.Add(Bench.BenchCommands.Build(console));
        root.Subcommands.Add(Rewards.ChainCommands.Build(console));
        root.Subcommands.Add(Rewards.SettleCommands.BuildSettle(console));
        root.Subcommands.Add(Rewards.SettleCommands.BuildVerify(console));
        root.Subcommands.Add(Rewards.ClaimCommand.Build(console));
        root.Subcommands.Add(Demo.DemoCommand.Build(console));
        root.Subcommands.Add(Dashboard.DashboardCommand.Build(console));
        return root;
    }

    public static Task<int> RunAsync(string[] args, IAnsiConsole console, TextWriter output, TextWriter error, CancellationToken cancellationToken = default)
    {
        var parseResult = BuildRootCommand(console).Parse(args);
        return parseResult.InvokeAsync(new InvocationConfiguration { Output = output, Error = error }, cancellationToken);
    }
}
