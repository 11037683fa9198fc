using System.CommandLine;
using System.Text.Json;
using CityFn.Core.Ethereum;
using CityFn.Core.Merkle;
using CityFn.LocalDev;
using Spectre.Console;

namespace CityFn.Cli.Rewards;

/// <summary><c>cityfn rewards tree|proof</c>: build the cumulative rewards Merkle tree and prove a claim from its dump.</summary>
public static class RewardsCommands
{
    public static Command Build(IAnsiConsole console)
    {
        var rewards = new Command("rewards", "Rewards Merkle trees (OpenZeppelin standard-v1): build one from cumulative amounts, get a claim proof.");
        rewards.Subcommands.Add(BuildTree(console));
        rewards.Subcommands.Add(BuildProof(console));
        return rewards;
    }

    private static Command BuildTree(IAnsiConsole console)
    {
        var valuesOption = new Option<string>("--values")
        {
            Description = "JSON array of [address, amount] pairs; amounts in token base units, decimal strings or numbers.",
            Required = true,
        };
        var outOption = new Option<string>("--out")
        {
            Description = "Where to write the tree dump (standard-v1 JSON, loadable by StandardMerkleTree.load in JS).",
            Required = true,
        };
        var command = new Command("tree", "Build the Merkle tree of cumulative amounts and write its dump; prints the root to publish.")
        {
            valuesOption,
            outOption,
        };

        CliAction.Set(command, console, async (parseResult, cancellationToken) =>
        {
            var values = await RewardValuesFile.ReadAsync(parseResult.GetValue(valuesOption)!, cancellationToken);
            var tree = StandardMerkleTree.Of(values);
            var outPath = parseResult.GetValue(outOption)!;
            try
            {
                await using var output = File.Create(outPath);
                tree.WriteDump(output);
            }
            catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
            {
                throw new DependencyUnavailableException($"Cannot write {outPath}: {exception.Message}", "Choose a writable path for --out.");
            }

            console.MarkupLineInterpolated($"root   {tree.RootHex}");
            console.MarkupLineInterpolated($"values {tree.Count}");
            console.MarkupLineInterpolated($"dump   {outPath}");
            return CliAction.Ok;
        });
        return command;
    }

    private static Command BuildProof(IAnsiConsole console)
    {
        var treeOption = new Option<string>("--tree")
        {
            Description = "A tree dump written by `cityfn rewards tree` (or by the JS library).",
            Required = true,
        };
        var addressOption = new Option<string>("--address")
        {
            Description = "The account to prove (0x + 40 hex digits).",
            Required = true,
        };
        var command = new Command("proof", "Print the value, leaf index and Merkle proof of an account as JSON: what a claim transaction needs.")
        {
            treeOption,
            addressOption,
        };

        CliAction.Set(command, console, (parseResult, _) =>
        {
            var addressText = parseResult.GetValue(addressOption)!;
            if (!EthAddress.TryParse(addressText, out var account, out var addressError))
            {
                throw new DependencyUnavailableException(addressError, "Pass the account as 0x followed by 40 hex digits (lowercase or EIP-55 checksummed).");
            }

            var treePath = parseResult.GetValue(treeOption)!;
            StandardMerkleTree tree;
            using (var stream = InputFile.Open(treePath, "tree dump"))
            {
                try
                {
                    tree = StandardMerkleTree.Load(stream);
                }
                catch (InvalidDataException exception)
                {
                    throw new DependencyUnavailableException($"{treePath}: {exception.Message}", "Rebuild the dump with `cityfn rewards tree` or fetch the published one again.");
                }
            }

            var index = tree.IndexOf(account);
            if (index < 0)
            {
                throw new DependencyUnavailableException(
                    $"{account} is not in the tree {treePath} ({tree.Count} values, root {tree.RootHex}).",
                    "Check the address; an account appears only after an epoch has paid it.");
            }

            WriteProofJson(console.Profile.Out.Writer, tree, index);
            return Task.FromResult(CliAction.Ok);
        });
        return command;
    }

    private static void WriteProofJson(TextWriter output, StandardMerkleTree tree, int index)
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = true }))
        {
            var value = tree.Values[index];
            writer.WriteStartObject();
            writer.WriteString("root", tree.RootHex);
            writer.WriteString("account", value.Account.ToChecksumString());
            writer.WriteString("amount", value.Amount.ToString(System.Globalization.CultureInfo.InvariantCulture));
            writer.WriteNumber("valueIndex", index);
            writer.WriteNumber("treeIndex", tree.TreeIndexOf(index));
            writer.WriteStartArray("proof");
            foreach (var hash in tree.GetProof(index))
            {
                writer.WriteStringValue(hash);
            }

            writer.WriteEndArray();
            writer.WriteEndObject();
        }

        output.WriteLine(System.Text.Encoding.UTF8.GetString(buffer.GetBuffer(), 0, (int)buffer.Length));
    }
}
