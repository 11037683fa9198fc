using System.Diagnostics;

namespace CityFn.LocalDev;

/// <summary>
/// Runs tools/node/oz-merkle-tree.cjs: the pinned <c>@openzeppelin/merkle-tree</c> on many value sets in
/// one node process, the reference for the C# tree's compatibility tests and benchmark.
/// </summary>
public static class OzMerkleTreeScript
{
    /// <summary>Runs the script in <paramref name="mode"/> (<c>compare</c> or <c>bench</c>) from one JSON file to another.</summary>
    public static async Task RunAsync(string repoRoot, string mode, string inputPath, string outputPath, CancellationToken cancellationToken = default)
    {
        await NodeTools.EnsureInstalledAsync(repoRoot, cancellationToken: cancellationToken);
        var script = Path.Combine(repoRoot, "tools", "node", "oz-merkle-tree.cjs");
        var startInfo = new ProcessStartInfo("node", ["--max-old-space-size=8192", script, mode, inputPath, outputPath])
        {
            WorkingDirectory = repoRoot,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };

        Process process;
        try
        {
            process = Process.Start(startInfo) ?? throw new InvalidOperationException("node did not start.");
        }
        catch (System.ComponentModel.Win32Exception exception)
        {
            throw new DependencyUnavailableException("node is not on PATH.", "Install Node.js 20+ and run `npm ci`.", exception);
        }

        using (process)
        {
            var stdout = process.StandardOutput.ReadToEndAsync(CancellationToken.None);
            var stderr = process.StandardError.ReadToEndAsync(CancellationToken.None);
            try
            {
                await process.WaitForExitAsync(cancellationToken);
            }
            catch (OperationCanceledException)
            {
                // Ours, by PID: a cancelled benchmark must not leave node hashing in the background.
                process.Kill(entireProcessTree: true);
                throw;
            }

            if (process.ExitCode != 0)
            {
                throw new DependencyUnavailableException(
                    $"{script} failed with exit code {process.ExitCode}: {await stdout}{await stderr}",
                    "Run `npm ci` so node_modules/@openzeppelin/merkle-tree matches package-lock.json.");
            }
        }
    }
}
