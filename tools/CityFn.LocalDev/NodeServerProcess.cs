using System.Diagnostics;

namespace CityFn.LocalDev;

/// <summary>
/// A long-running node program (Azurite, the Hardhat node). Attached processes belong to the
/// caller: their output is kept for error messages and they exit with the caller. Detached ones
/// (for <c>cityfn dev up</c>) run in their own session with output in a log file, and are stopped
/// later by PID.
/// </summary>
public sealed class NodeServerProcess : IAsyncDisposable
{
    private const int OutputLinesKept = 200;

    private readonly Process _process;
    private readonly Queue<string> _outputTail = new();
    private readonly string _name;

    private NodeServerProcess(string name, Process process)
    {
        _name = name;
        _process = process;
    }

    /// <summary>Operating-system process id.</summary>
    public int Pid => _process.Id;

    public bool HasExited => _process.HasExited;

    /// <summary>
    /// Starts <paramref name="script"/> under node as a child of this process. It is preloaded with a
    /// watchdog that exits it when this process dies, so a crashed test run leaves nothing behind.
    /// </summary>
    public static NodeServerProcess StartAttached(
        string name, string repoRoot, string script, IEnumerable<string> arguments,
        string workingDirectory, IReadOnlyDictionary<string, string>? environment = null)
    {
        var startInfo = new ProcessStartInfo("node")
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        startInfo.ArgumentList.Add("--require");
        startInfo.ArgumentList.Add(Path.Combine(repoRoot, "tools", "node", "exit-with-parent.cjs"));
        startInfo.ArgumentList.Add(script);
        foreach (var argument in arguments)
        {
            startInfo.ArgumentList.Add(argument);
        }

        ApplyEnvironment(startInfo, environment);
        startInfo.Environment["CITYFN_PARENT_PID"] = Environment.ProcessId.ToString(System.Globalization.CultureInfo.InvariantCulture);

        var server = new NodeServerProcess(name, StartOrExplain(startInfo));
        server._process.OutputDataReceived += (_, e) => server.Keep(e.Data);
        server._process.ErrorDataReceived += (_, e) => server.Keep(e.Data);
        server._process.BeginOutputReadLine();
        server._process.BeginErrorReadLine();
        return server;
    }

    /// <summary>
    /// Starts <paramref name="script"/> under node in a session of its own (setsid) so it outlives
    /// the caller, with stdout and stderr appended to <paramref name="logPath"/>. Returns its PID.
    /// </summary>
    public static int StartDetached(
        string script, IEnumerable<string> arguments, string workingDirectory,
        string logPath, IReadOnlyDictionary<string, string>? environment = null)
    {
        // sh replaces itself with setsid, which replaces itself with node: the PID we get is node's.
        var startInfo = new ProcessStartInfo("/bin/sh")
        {
            WorkingDirectory = workingDirectory,
            UseShellExecute = false,
        };
        startInfo.ArgumentList.Add("-c");
        startInfo.ArgumentList.Add("exec setsid \"$0\" \"$@\" >>\"$CITYFN_LOG\" 2>&1 </dev/null");
        startInfo.ArgumentList.Add("node");
        startInfo.ArgumentList.Add(script);
        foreach (var argument in arguments)
        {
            startInfo.ArgumentList.Add(argument);
        }

        ApplyEnvironment(startInfo, environment);
        startInfo.Environment["CITYFN_LOG"] = logPath;
        using var process = StartOrExplain(startInfo);
        return process.Id;
    }

    /// <summary>
    /// Stops the process with this PID and its children, but only when its command line still
    /// contains <paramref name="expectedCommandFragment"/>: a PID reused by another program is left alone.
    /// Returns false when there was nothing to stop.
    /// </summary>
    public static bool StopByPid(int pid, string expectedCommandFragment, TimeSpan timeout)
    {
        if (!IsRunning(pid, expectedCommandFragment))
        {
            return false;
        }

        try
        {
            using var process = Process.GetProcessById(pid);
            process.Kill(entireProcessTree: true);
            return process.WaitForExit(timeout);
        }
        catch (ArgumentException)
        {
            return false; // exited between the check and the kill
        }
    }

    /// <summary>True when a process with this PID runs and its command line contains the fragment.</summary>
    public static bool IsRunning(int pid, string expectedCommandFragment)
    {
        var cmdlinePath = $"/proc/{pid}/cmdline";
        if (File.Exists(cmdlinePath))
        {
            try
            {
                var commandLine = File.ReadAllText(cmdlinePath).Replace('\0', ' ');
                return commandLine.Contains(expectedCommandFragment, StringComparison.Ordinal);
            }
            catch (IOException)
            {
                return false;
            }
        }

        try
        {
            using var process = Process.GetProcessById(pid);
            return !process.HasExited;
        }
        catch (ArgumentException)
        {
            return false;
        }
    }

    /// <summary>The last lines the process printed, for error messages.</summary>
    public string OutputTail()
    {
        lock (_outputTail)
        {
            return string.Join(Environment.NewLine, _outputTail);
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
            try
            {
                await _process.WaitForExitAsync(timeout.Token);
            }
            catch (OperationCanceledException)
            {
                throw new InvalidOperationException($"{_name} (PID {_process.Id}) did not exit within 10 s of being killed.");
            }
        }

        _process.Dispose();
    }

    private void Keep(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (_outputTail)
        {
            _outputTail.Enqueue(line);
            while (_outputTail.Count > OutputLinesKept)
            {
                _outputTail.Dequeue();
            }
        }
    }

    private static void ApplyEnvironment(ProcessStartInfo startInfo, IReadOnlyDictionary<string, string>? environment)
    {
        startInfo.Environment["HARDHAT_DISABLE_TELEMETRY_PROMPT"] = "true";
        if (environment is null)
        {
            return;
        }

        foreach (var (key, value) in environment)
        {
            startInfo.Environment[key] = value;
        }
    }

    private static Process StartOrExplain(ProcessStartInfo startInfo)
    {
        try
        {
            return Process.Start(startInfo) ?? throw new InvalidOperationException($"{startInfo.FileName} did not start.");
        }
        catch (System.ComponentModel.Win32Exception exception)
        {
            throw new DependencyUnavailableException($"{startInfo.FileName} could not be started: {exception.Message}", "Install Node.js 20+ and make sure `node` is on PATH.", exception);
        }
    }
}
