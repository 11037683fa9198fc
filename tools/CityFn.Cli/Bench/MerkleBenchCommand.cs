using System.CommandLine;
using System.Globalization;
using Spectre.Console;

namespace CityFn.Cli.Bench;

/// <summary><c>cityfn bench merkle</c>: rewards tree build + all proofs, against @openzeppelin/merkle-tree.</summary>
public static class MerkleBenchCommand
{
    public static Command Build(IAnsiConsole console)
    {
        var leavesOption = new Option<int>("--leaves") { Description = "Number of values in the tree.", DefaultValueFactory = _ => 1_000_000 };
        var compareOption = new Option<bool>("--compare-node") { Description = "Also time @openzeppelin/merkle-tree in node on the same values." };
        var nodeLeavesOption = new Option<int?>("--node-leaves")
        {
            Description = "Cap the node run at this many values (the JS library needs minutes for 1M); its time is then extrapolated to --leaves.",
        };
        var verifyOption = new Option<bool>("--verify") { Description = "Also verify every proof against the root (the JS getProof does this for each proof)." };
        var seedOption = new Option<int>("--seed") { Description = "Seed of the random values.", DefaultValueFactory = _ => 1 };
        var command = new Command("merkle", "Build a rewards Merkle tree and produce every proof (target: 1M leaves <= 5 s, >= 10x the JS library).")
        {
            leavesOption, compareOption, nodeLeavesOption, verifyOption, seedOption,
        };

        CliAction.Set(command, console, async (parseResult, cancellationToken) =>
        {
            var leaves = parseResult.GetValue(leavesOption);
            if (leaves < 1)
            {
                throw new LocalDev.DependencyUnavailableException($"--leaves {leaves} is not a tree size.", "Pass --leaves 1 or more.");
            }

            var values = MerkleBenchmark.Values(leaves, parseResult.GetValue(seedOption));
            var csharp = MerkleBenchmark.RunCSharp(values, parseResult.GetValue(verifyOption));
            var table = new Table().AddColumns("implementation", "leaves", "build", "all proofs", "total", "CPU time", "leaves/s");
            console.MarkupLineInterpolated($"JS library: @openzeppelin/merkle-tree; wall and CPU seconds (CPU time is the fairer figure on a shared machine).");
            AddRow(table, $"C#, {Environment.ProcessorCount} cores", csharp.Leaves, csharp.Build, csharp.AllProofs, csharp.Cpu);
            if (csharp.VerifyAll > TimeSpan.Zero)
            {
                table.AddRow("C# verify all", Count(csharp.Leaves), "", Seconds(csharp.VerifyAll), "", "", "");
            }

            if (parseResult.GetValue(compareOption))
            {
                var nodeLeaves = Math.Min(parseResult.GetValue(nodeLeavesOption) ?? leaves, leaves);
                var nodeValues = values[..nodeLeaves];
                var node = await MerkleBenchmark.RunNodeAsync(nodeValues, cancellationToken);
                AddRow(table, "JS library (node)", node.Leaves, node.Build, node.AllProofs, node.Cpu);
                var sameSize = nodeLeaves == leaves ? csharp : MerkleBenchmark.RunCSharp(nodeValues, verify: false);
                if (nodeLeaves != leaves)
                {
                    AddRow(table, "C#, same values", sameSize.Leaves, sameSize.Build, sameSize.AllProofs, sameSize.Cpu);
                }

                console.Write(table);
                var measuredRatio = (node.Build + node.AllProofs) / (sameSize.Build + sameSize.AllProofs);
                console.MarkupLineInterpolated($"root matches the JS library on {node.Leaves:N0} values: {(node.Root == sameSize.Root ? "yes" : "NO")}");
                var cpuRatio = node.Cpu / sameSize.Cpu;
                console.MarkupLineInterpolated($"C# is {measuredRatio:F1}x faster than the JS library on {node.Leaves:N0} values (measured wall time; {cpuRatio:F1}x in CPU time).");
                if (nodeLeaves != leaves)
                {
                    // Building is linear in the leaves, proving n log n: scale each part accordingly.
                    var scale = (double)leaves / nodeLeaves;
                    var logScale = Math.Log2(leaves) / Math.Log2(Math.Max(2, nodeLeaves));
                    var extrapolated = (node.Build * scale) + (node.AllProofs * scale * logScale);
                    console.MarkupLineInterpolated(
                        $"JS library extrapolated to {leaves:N0} values: ~{Seconds(extrapolated)} (build x{scale:F1}, proofs x{scale * logScale:F1}; not measured) => ~{extrapolated / (csharp.Build + csharp.AllProofs):F0}x.");
                }

                return node.Root == sameSize.Root ? CliAction.Ok : CliAction.NotOk;
            }

            console.Write(table);
            return CliAction.Ok;
        });
        return command;
    }

    private static void AddRow(Table table, string name, int leaves, TimeSpan build, TimeSpan proofs, TimeSpan cpu) =>
        table.AddRow(
            Markup.Escape(name),
            Count(leaves),
            Seconds(build),
            Seconds(proofs),
            Seconds(build + proofs),
            Seconds(cpu),
            Count((long)(leaves / (build + proofs).TotalSeconds)));

    private static string Seconds(TimeSpan time) => time.TotalSeconds.ToString("F3", CultureInfo.InvariantCulture) + " s";

    private static string Count(long count) => count.ToString("N0", CultureInfo.InvariantCulture);
}
