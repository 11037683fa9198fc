namespace CityFn.LocalDev;

/// <summary>One local dependency as <c>cityfn dev status</c> reports it.</summary>
public sealed record DevService(string Name, int Pid, string Endpoint, bool Running, bool Ready, string LogFile);

/// <summary>The whole local environment: both services, or none when nothing was started.</summary>
public sealed record DevStatus(IReadOnlyList<DevService> Services, string? LocalSettingsFile)
{
    public bool AllReady => Services.Count > 0 && Services.All(s => s.Ready);
}

/// <summary>
/// <c>cityfn dev up|status|down</c>: Azurite and a Hardhat node run in the background on fixed
/// ports, their PIDs kept in a state file so they can be found and stopped by PID later.
/// </summary>
public sealed class DevEnvironment(DevPaths paths, AzuriteEndpoints azurite, ChainEndpoint chain)
{
    private static readonly TimeSpan StopTimeout = TimeSpan.FromSeconds(10);

    /// <summary>The defaults: this checkout, Azurite on 10000-10002, the chain on 8545 with id 31337.</summary>
    public static DevEnvironment ForRepository(string repoRoot) =>
        new(DevPaths.ForRepository(repoRoot), AzuriteEndpoints.Default, ChainEndpoint.Default);

    public DevPaths Paths => paths;

    /// <summary>
    /// Starts both services in the background unless they already run, waits until they answer and
    /// writes local.settings.json. On any failure what was started is stopped again.
    /// </summary>
    public async Task<DevStatus> UpAsync(IProgress<string>? progress = null, CancellationToken cancellationToken = default)
    {
        var existing = DevState.Load(paths.StateFile);
        if (existing is not null)
        {
            var status = await StatusAsync(cancellationToken);
            if (status.AllReady)
            {
                progress?.Report("Already running.");
                return status;
            }

            progress?.Report("A previous `dev up` is only partly running: stopping what is left first.");
            Down();
        }

        EnsurePortFree(azurite.BlobPort, "Azurite blob");
        EnsurePortFree(azurite.QueuePort, "Azurite queue");
        EnsurePortFree(azurite.TablePort, "Azurite table");
        EnsurePortFree(chain.Port, "the Hardhat node");

        await NodeTools.EnsureInstalledAsync(paths.RepoRoot, progress, cancellationToken);
        Directory.CreateDirectory(paths.AzuriteData);

        progress?.Report("Starting Azurite and the Hardhat node.");
        var keys = LocalChain.NewFundedKeys();
        var azuritePid = NodeServerProcess.StartDetached(
            AzuriteServer.ScriptPath(paths.RepoRoot), AzuriteServer.Arguments(azurite, paths.AzuriteData),
            paths.AzuriteData, paths.AzuriteLog);
        var chainPid = NodeServerProcess.StartDetached(
            LocalChain.ScriptPath(paths.RepoRoot), LocalChain.Arguments(chain), paths.RepoRoot,
            paths.ChainLog, LocalChain.Environment(chain, keys));
        // Saved before waiting so that `dev down` can stop them even if this process is interrupted.
        var state = new DevState(azuritePid, azurite, chainPid, chain, keys, DateTimeOffset.UtcNow);
        state.Save(paths.StateFile);

        try
        {
            await AzuriteServer.WaitUntilReadyAsync(
                azurite, () => !NodeServerProcess.IsRunning(azuritePid, AzuriteServer.CommandFragment),
                () => LogTail(paths.AzuriteLog), cancellationToken);
            await LocalChain.WaitUntilReadyAsync(
                chain, () => !NodeServerProcess.IsRunning(chainPid, LocalChain.CommandFragment),
                () => LogTail(paths.ChainLog), cancellationToken);
        }
        catch
        {
            Down();
            throw;
        }

        LocalSettingsWriter.Write(paths, state);
        return await StatusAsync(cancellationToken);
    }

    /// <summary>What runs, by PID, and whether it answers.</summary>
    public async Task<DevStatus> StatusAsync(CancellationToken cancellationToken = default)
    {
        var state = DevState.Load(paths.StateFile);
        if (state is null)
        {
            return new DevStatus([], null);
        }

        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(2) };
        var azuriteRunning = NodeServerProcess.IsRunning(state.AzuritePid, AzuriteServer.CommandFragment);
        var chainRunning = NodeServerProcess.IsRunning(state.ChainPid, LocalChain.CommandFragment);
        var azuriteReady = azuriteRunning && await state.Azurite.AllAnswerAsync(http, cancellationToken);
        var chainReady = chainRunning && await state.Chain.TryGetChainIdAsync(http, cancellationToken) == state.Chain.ChainId;

        return new DevStatus(
            [
                new DevService("Azurite", state.AzuritePid,
                    $"blob :{state.Azurite.BlobPort} · queue :{state.Azurite.QueuePort} · table :{state.Azurite.TablePort}",
                    azuriteRunning, azuriteReady, paths.AzuriteLog),
                new DevService("Hardhat node", state.ChainPid,
                    $"{state.Chain.RpcUrl} · chain id {state.Chain.ChainId}",
                    chainRunning, chainReady, paths.ChainLog),
            ],
            File.Exists(paths.LocalSettingsFile) ? paths.LocalSettingsFile : null);
    }

    /// <summary>Stops both services by PID and discards their data. Returns the names of what was stopped.</summary>
    public IReadOnlyList<string> Down()
    {
        var state = DevState.Load(paths.StateFile);
        var stopped = new List<string>();
        if (state is not null)
        {
            if (NodeServerProcess.StopByPid(state.AzuritePid, AzuriteServer.CommandFragment, StopTimeout))
            {
                stopped.Add($"Azurite (PID {state.AzuritePid})");
            }

            if (NodeServerProcess.StopByPid(state.ChainPid, LocalChain.CommandFragment, StopTimeout))
            {
                stopped.Add($"Hardhat node (PID {state.ChainPid})");
            }
        }

        if (Directory.Exists(paths.StateDirectory))
        {
            Directory.Delete(paths.StateDirectory, recursive: true);
        }

        return stopped;
    }

    private static void EnsurePortFree(int port, string what)
    {
        if (FreePorts.IsInUse(port))
        {
            throw new DependencyUnavailableException(
                $"Port {port} for {what} is already in use.",
                "Stop whatever listens there (another Azurite, Hardhat node or `cityfn dev up` from another checkout) and try again.");
        }
    }

    private static string LogTail(string path)
    {
        if (!File.Exists(path))
        {
            return "(no output)";
        }

        var lines = File.ReadAllLines(path);
        return string.Join(Environment.NewLine, lines.Skip(Math.Max(0, lines.Length - 40)));
    }
}
