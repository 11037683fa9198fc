using System.CommandLine;
using Spectre.Console;

namespace CityFn.Cli.Bench;

/// <summary><c>cityfn bench …</c>: the performance targets of DESIGN.md, measured on this machine.</summary>
public static class BenchCommands
{
    public static Command Build(IAnsiConsole console)
    {
        var bench = new Command("bench", "Measure the performance targets (DESIGN.md) on this machine.");
        bench.Subcommands.Add(MerkleBenchCommand.Build(console));
        bench.Subcommands.Add(IngestBenchCommand.Build(console));
        bench.Subcommands.Add(Edge.EdgeBenchCommand.Build(console));
        bench.Subcommands.Add(SettleBenchCommand.Build(console));
        bench.Subcommands.Add(ScoreBenchCommand.Build(console));
        return bench;
    }
}
