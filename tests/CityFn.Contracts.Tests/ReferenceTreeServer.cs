using System.Diagnostics;
using System.Globalization;
using System.Numerics;
using System.Text.Json.Nodes;
using CityFn.LocalDev;

namespace CityFn.Contracts.Tests;

/// <summary>
/// The reference tree builder (contracts/scripts/merkle-tree.js --serve, i.e. @openzeppelin/merkle-tree)
/// as one node process for the whole collection, so each tree costs a line on stdin rather than a
/// node start-up. It exits when its stdin closes, and is stopped by PID when that takes too long.
/// </summary>
public sealed class ReferenceTreeServer : IAsyncLifetime
{
    private readonly SemaphoreSlim _lock = new(1, 1);
    private Process? _process;

    public Task InitializeAsync()
    {
        var repoRoot = RepositoryRoot.Find();
        var startInfo = new ProcessStartInfo("node")
        {
            WorkingDirectory = repoRoot,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        startInfo.ArgumentList.Add(Path.Combine(repoRoot, "contracts", "scripts", "merkle-tree.js"));
        startInfo.ArgumentList.Add("--serve");
        _process = Process.Start(startInfo) ?? throw new InvalidOperationException("node did not start");
        return Task.CompletedTask;
    }

    /// <summary>Builds the tree of <paramref name="leaves"/> for <paramref name="epoch"/> and returns a claim (with proof) per leaf.</summary>
    internal Task<ReferenceMerkleTree> BuildAsync(BigInteger epoch, IReadOnlyList<(string Account, BigInteger CumulativeAmount)> leaves) =>
        BuildAsync(epoch, leaves, randomLeaves: 0);

    /// <summary>A tree of <paramref name="randomLeaves"/> random leaves plus <paramref name="leaves"/>, with claims for <paramref name="leaves"/> only.</summary>
    internal async Task<ReferenceMerkleTree> BuildAsync(
        BigInteger epoch, IReadOnlyList<(string Account, BigInteger CumulativeAmount)> leaves, int randomLeaves)
    {
        var process = _process ?? throw new InvalidOperationException("The tree server has not started.");
        var request = new JsonObject
        {
            ["values"] = new JsonArray([.. leaves.Select(l => (JsonNode)new JsonArray(l.Account, l.CumulativeAmount.ToString(CultureInfo.InvariantCulture)))]),
            ["proofsFor"] = new JsonArray([.. Enumerable.Range(0, leaves.Count).Select(i => (JsonNode)i)]),
            ["random"] = randomLeaves,
        };
        await _lock.WaitAsync();
        try
        {
            await process.StandardInput.WriteLineAsync(request.ToJsonString());
            await process.StandardInput.FlushAsync();
            var answer = await process.StandardOutput.ReadLineAsync()
                ?? throw new InvalidOperationException($"merkle-tree.js exited: {await process.StandardError.ReadToEndAsync()}");
            return ReferenceMerkleTree.Parse(epoch, answer);
        }
        finally
        {
            _lock.Release();
        }
    }

    public async Task DisposeAsync()
    {
        if (_process is null)
        {
            return;
        }

        using (_process)
        {
            _process.StandardInput.Close();
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(5));
            try
            {
                await _process.WaitForExitAsync(timeout.Token);
            }
            catch (OperationCanceledException)
            {
                _process.Kill();
            }
        }

        _lock.Dispose();
    }
}
