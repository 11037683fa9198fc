using System.Diagnostics;

namespace CityFn.LocalDev;

/// <summary>The pinned node tools from package-lock.json (Azurite, Hardhat, solc, OpenZeppelin).</summary>
public static class NodeTools
{
    /// <summary>Path of a file inside node_modules.</summary>
    public static string ModulePath(string repoRoot, params string[] parts) =>
        Path.Combine([repoRoot, "node_modules", .. parts]);

    /// <summary>
    /// Runs <c>npm ci</c> when node_modules is missing. Concurrent callers (test projects run in
    /// parallel) serialise on a lock file so only one installs.
    /// </summary>
    public static async Task EnsureInstalledAsync(string repoRoot, IProgress<string>? progress = null, CancellationToken cancellationToken = default)
    {
        if (IsInstalled(repoRoot))
        {
            return;
        }

        var lockDirectory = Path.Combine(repoRoot, ".cityfn");
        Directory.CreateDirectory(lockDirectory);
        await using var installLock = await AcquireLockAsync(Path.Combine(lockDirectory, "npm-ci.lock"), cancellationToken);
        if (IsInstalled(repoRoot))
        {
            return;
        }

        progress?.Report("node_modules is missing: running npm ci (first run only)");
        var result = await RunAsync("npm", ["ci", "--no-audit", "--no-fund"], repoRoot, cancellationToken);
        if (result.ExitCode != 0)
        {
            throw new DependencyUnavailableException(
                $"npm ci failed with exit code {result.ExitCode}:{Environment.NewLine}{result.Output}",
                "Check that Node.js 20+ and npm are installed and the npm registry is reachable, then run `npm ci`.");
        }
    }

    private static bool IsInstalled(string repoRoot) =>
        File.Exists(ModulePath(repoRoot, ".package-lock.json"));

    private static async Task<FileStream> AcquireLockAsync(string path, CancellationToken cancellationToken)
    {
        while (true)
        {
            try
            {
                return new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None, 1, FileOptions.DeleteOnClose);
            }
            catch (IOException)
            {
                // Another process holds the lock while it installs; poll until it is done.
                await Task.Delay(TimeSpan.FromMilliseconds(250), cancellationToken);
            }
        }
    }

    private static async Task<(int ExitCode, string Output)> RunAsync(string fileName, string[] arguments, string workingDirectory, CancellationToken cancellationToken)
    {
        var startInfo = new ProcessStartInfo(fileName, arguments)
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        Process process;
        try
        {
            process = Process.Start(startInfo) ?? throw new InvalidOperationException($"{fileName} did not start.");
        }
        catch (System.ComponentModel.Win32Exception exception)
        {
            throw new DependencyUnavailableException($"{fileName} is not on PATH.", "Install Node.js 20+ with npm.", exception);
        }

        using (process)
        {
            var stdout = process.StandardOutput.ReadToEndAsync(cancellationToken);
            var stderr = process.StandardError.ReadToEndAsync(cancellationToken);
            await process.WaitForExitAsync(cancellationToken);
            return (process.ExitCode, await stdout + await stderr);
        }
    }
}
