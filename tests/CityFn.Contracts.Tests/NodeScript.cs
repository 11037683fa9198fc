using System.Diagnostics;
using CityFn.LocalDev;

namespace CityFn.Contracts.Tests;

/// <summary>Runs a node script of the repository (the pinned tools in node_modules) and returns its stdout.</summary>
internal static class NodeScript
{
    public static async Task<(int ExitCode, string Output, string Error)> RunAsync(string script, IEnumerable<string> arguments, CancellationToken cancellationToken = default)
    {
        var repoRoot = RepositoryRoot.Find();
        var startInfo = new ProcessStartInfo("node")
        {
            WorkingDirectory = repoRoot,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        startInfo.ArgumentList.Add(Path.Combine(repoRoot, script));
        foreach (var argument in arguments)
        {
            startInfo.ArgumentList.Add(argument);
        }

        using var process = Process.Start(startInfo) ?? throw new InvalidOperationException("node did not start");
        var stdout = process.StandardOutput.ReadToEndAsync(cancellationToken);
        var stderr = process.StandardError.ReadToEndAsync(cancellationToken);
        await process.WaitForExitAsync(cancellationToken);
        return (process.ExitCode, await stdout, await stderr);
    }
}
