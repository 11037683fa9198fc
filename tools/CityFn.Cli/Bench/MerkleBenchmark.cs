using System.Diagnostics;
using System.Globalization;
using System.Numerics;
using System.Text.Json;
using System.Text.Json.Nodes;
using CityFn.Core.Ethereum;
using CityFn.Core.Merkle;
using CityFn.LocalDev;

namespace CityFn.Cli.Bench;

/// <summary>Times building a rewards tree and producing every proof, optionally against the JS library on the same values.</summary>
public static class MerkleBenchmark
{
    public sealed record CSharpRun(int Leaves, TimeSpan Build, TimeSpan AllProofs, TimeSpan VerifyAll, long ProofHashes, string Root, TimeSpan Cpu);

    public sealed record NodeRun(int Leaves, TimeSpan Build, TimeSpan AllProofs, string Root, TimeSpan Cpu);

    /// <summary>Random accounts with token-sized amounts, the same for the same seed.</summary>
    public static RewardLeaf[] Values(int count, int seed)
    {
        var random = new Random(seed);
        var leaves = new RewardLeaf[count];
        Span<byte> address = stackalloc byte[EthAddress.Size];
        for (var i = 0; i < count; i++)
        {
            random.NextBytes(address);
            leaves[i] = new RewardLeaf(EthAddress.FromBytes(address), new BigInteger(random.NextInt64(1, long.MaxValue)) * 1_000_000);
        }

        return leaves;
    }

    public static CSharpRun RunCSharp(RewardLeaf[] values, bool verify)
    {
        // Warm the JIT so the first timed call does not pay for compilation.
        var warmup = StandardMerkleTree.Of(values.AsSpan(0, Math.Min(values.Length, 5000)).ToArray());
        ProveAll(warmup);

        using var process = Process.GetCurrentProcess();
        var cpuBefore = process.TotalProcessorTime;
        var clock = Stopwatch.StartNew();
        var tree = StandardMerkleTree.Of(values);
        var build = clock.Elapsed;

        clock.Restart();
        var hashes = ProveAll(tree);
        var proofs = clock.Elapsed;
        process.Refresh();
        var cpu = process.TotalProcessorTime - cpuBefore;

        var verifyAll = TimeSpan.Zero;
        if (verify)
        {
            clock.Restart();
            VerifyAll(tree);
            verifyAll = clock.Elapsed;
        }

        return new CSharpRun(values.Length, build, proofs, verifyAll, hashes, tree.RootHex, cpu);
    }

    public static async Task<NodeRun> RunNodeAsync(RewardLeaf[] values, CancellationToken cancellationToken = default)
    {
        var directory = Directory.CreateTempSubdirectory("cityfn-bench-merkle-");
        try
        {
            var input = Path.Combine(directory.FullName, "values.json");
            var output = Path.Combine(directory.FullName, "result.json");
            await using (var stream = File.Create(input))
            {
                await using var writer = new Utf8JsonWriter(stream);
                writer.WriteStartArray();
                foreach (var value in values)
                {
                    writer.WriteStartArray();
                    writer.WriteStringValue(value.Account.ToLowerHex());
                    writer.WriteStringValue(value.Amount.ToString(CultureInfo.InvariantCulture));
                    writer.WriteEndArray();
                }

                writer.WriteEndArray();
            }

            await OzMerkleTreeScript.RunAsync(RepositoryRoot.Find(), "bench", input, output, cancellationToken);
            var result = JsonNode.Parse(await File.ReadAllTextAsync(output, cancellationToken))!;
            return new NodeRun(
                values.Length,
                TimeSpan.FromMilliseconds(result["buildMs"]!.GetValue<double>()),
                TimeSpan.FromMilliseconds(result["proofsMs"]!.GetValue<double>()),
                result["root"]!.GetValue<string>(),
                TimeSpan.FromMilliseconds(result["buildCpuMs"]!.GetValue<double>() + result["proofsCpuMs"]!.GetValue<double>()));
        }
        finally
        {
            directory.Delete(recursive: true);
        }
    }

    // Every proof, written into one reused buffer: a proof is a view of the tree, so a server produces
    // it on request; nothing needs 1M separate arrays.
    private static long ProveAll(StandardMerkleTree tree)
    {
        long hashes = 0;
        byte mix = 0;
        tree.ForEachProof((_, proof) =>
        {
            hashes += proof.Length / Keccak256.HashSize;
            mix ^= proof.IsEmpty ? (byte)0 : proof[0];
        });
        GC.KeepAlive(mix);
        return hashes;
    }

    private static void VerifyAll(StandardMerkleTree tree)
    {
        var root = tree.Root.ToArray();
        Parallel.For(0, tree.Count, () => new byte[64 * Keccak256.HashSize], (i, _, buffer) =>
        {
            var written = tree.WriteProof(i, buffer);
            if (!StandardMerkleTree.Verify(root, tree.Values[i], buffer.AsSpan(0, written * Keccak256.HashSize)))
            {
                throw new InvalidOperationException($"The proof of value {i} does not verify.");
            }

            return buffer;
        }, _ => { });
    }
}
