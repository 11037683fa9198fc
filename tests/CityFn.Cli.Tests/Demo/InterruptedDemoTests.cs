using System.Diagnostics;
using System.Text;
using CityFn.LocalDev;

namespace CityFn.Cli.Tests.Demo;

/// <summary>
/// SIGTERM (what a service manager, a container stop or a closed terminal sends) and Ctrl+C reach the real
/// cityfn process, outside the in-process CliRun: the demo must stop what it started and say it was interrupted.
/// </summary>
[Collection(LocalDependenciesCollection.Name)]
public sealed class InterruptedDemoTests
{
    private const int ExitInterrupted = 130;

    [Fact]
    public async Task Sigterm_mid_run_exits_130_and_leaves_no_Azurite_or_Hardhat_running()
    {
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = RepositoryRoot.Find(),
        };
        foreach (var argument in new[] { Path.Combine(AppContext.BaseDirectory, "cityfn.dll"), "demo", "--devices", "10", "--minutes", "120", "--seed", "5" })
        {
            start.ArgumentList.Add(argument);
        }

        var output = new StringBuilder();
        var started = new TaskCompletionSource<IReadOnlyList<int>>(TaskCreationOptions.RunContinuationsAsynchronously);
        void Collect(string? line)
        {
            if (line is null)
            {
                return;
            }

            lock (output)
            {
                output.AppendLine(line);
            }

            // The phase line after the start names both processes: "Azurite (pid N) …, Hardhat node (pid M) …".
            if (line.Contains("Hardhat node (pid", StringComparison.Ordinal))
            {
                started.TrySetResult(ProcessChecks.Pids(line));
            }
        }

        using var process = Process.Start(start)!;
        process.OutputDataReceived += (_, e) => Collect(e.Data);
        process.ErrorDataReceived += (_, e) => Collect(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        try
        {
            var pids = await started.Task.WaitAsync(TimeSpan.FromMinutes(3));
            Assert.Equal(2, pids.Count);
            Assert.All(pids, pid => Assert.True(ProcessChecks.IsRunning(pid), $"process {pid} should run while the demo does"));

            await SignalAsync(process.Id, "TERM");
            await process.WaitForExitAsync().WaitAsync(TimeSpan.FromMinutes(1));

            var text = Text(output);
            Assert.True(process.ExitCode == ExitInterrupted, $"exit {process.ExitCode}\n{text}");
            Assert.Contains("interrupted", text, StringComparison.Ordinal);
            Assert.DoesNotContain("demo completed", text, StringComparison.Ordinal);
            Assert.All(pids, pid => Assert.False(ProcessChecks.IsRunning(pid), $"process {pid} still runs after the interrupted demo\n{text}"));
        }
        finally
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
            }
        }
    }

    private static string Text(StringBuilder output)
    {
        lock (output)
        {
            return output.ToString();
        }
    }

    /// <summary>Sends a signal with kill(1): .NET's Process.Kill only sends SIGKILL, which no program can handle.</summary>
    private static async Task SignalAsync(int pid, string signal)
    {
        using var kill = Process.Start("kill", ["-" + signal, pid.ToString(System.Globalization.CultureInfo.InvariantCulture)]);
        await kill.WaitForExitAsync();
        Assert.Equal(0, kill.ExitCode);
    }
}
