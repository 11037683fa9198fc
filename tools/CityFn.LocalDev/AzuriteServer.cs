using System.Globalization;

namespace CityFn.LocalDev;

/// <summary>A real Azurite (blob, queue, table) on 127.0.0.1, started by this process and stopped on dispose.</summary>
public sealed class AzuriteServer : IAsyncDisposable
{
    /// <summary>Fragment of Azurite's command line, used to recognise its PID.</summary>
    public const string CommandFragment = "azurite";

    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(60);

    private readonly NodeServerProcess _process;
    private readonly string? _ownedLocation;

    private AzuriteServer(NodeServerProcess process, AzuriteEndpoints endpoints, string? ownedLocation)
    {
        _process = process;
        Endpoints = endpoints;
        _ownedLocation = ownedLocation;
    }

    public AzuriteEndpoints Endpoints { get; }

    public int Pid => _process.Pid;

    /// <summary>
    /// Starts Azurite on the given ports (free ones when null) with its data in a new temporary
    /// folder, and returns once all three services answer. With <paramref name="inMemory"/> Azurite keeps
    /// everything in memory (<c>--inMemoryPersistence</c>) instead: its table store is then never written
    /// to disk, which the default store does as one JSON document on every autosave (a bottleneck with
    /// hundreds of thousands of rows, as in the 500 MB ingest benchmark).
    /// </summary>
    public static async Task<AzuriteServer> StartAsync(AzuriteEndpoints? endpoints = null, bool inMemory = false, CancellationToken cancellationToken = default)
    {
        var repoRoot = RepositoryRoot.Find();
        await NodeTools.EnsureInstalledAsync(repoRoot, cancellationToken: cancellationToken);
        endpoints ??= PickFreeEndpoints();
        var location = Directory.CreateTempSubdirectory("cityfn-azurite-").FullName;

        var process = NodeServerProcess.StartAttached(
            "Azurite", repoRoot, ScriptPath(repoRoot), Arguments(endpoints, inMemory ? null : location), location);
        var server = new AzuriteServer(process, endpoints, location);
        try
        {
            await WaitUntilReadyAsync(endpoints, () => process.HasExited, process.OutputTail, cancellationToken);
            return server;
        }
        catch
        {
            await server.DisposeAsync();
            throw;
        }
    }

    /// <summary>Azurite's entry script inside node_modules.</summary>
    public static string ScriptPath(string repoRoot) =>
        NodeTools.ModulePath(repoRoot, "azurite", "dist", "src", "azurite.js");

    /// <summary>Command-line arguments for Azurite on these ports with data under <paramref name="location"/> (in memory when null).</summary>
    public static IReadOnlyList<string> Arguments(AzuriteEndpoints endpoints, string? location) =>
    [
        "--blobHost", "127.0.0.1", "--blobPort", Port(endpoints.BlobPort),
        "--queueHost", "127.0.0.1", "--queuePort", Port(endpoints.QueuePort),
        "--tableHost", "127.0.0.1", "--tablePort", Port(endpoints.TablePort),
        // The Azure SDK speaks newer service versions than Azurite 3.37 knows; the subset we use works.
        "--skipApiVersionCheck",
        "--disableProductStyleUrl",
        "--silent",
        .. (location is null ? new[] { "--inMemoryPersistence" } : new[] { "--location", location }),
    ];

    /// <summary>Three free loopback ports.</summary>
    public static AzuriteEndpoints PickFreeEndpoints()
    {
        var ports = FreePorts.Pick(3);
        return new AzuriteEndpoints(ports[0], ports[1], ports[2]);
    }

    public async ValueTask DisposeAsync()
    {
        await _process.DisposeAsync();
        if (_ownedLocation is not null && Directory.Exists(_ownedLocation))
        {
            Directory.Delete(_ownedLocation, recursive: true);
        }
    }

    /// <summary>Polls until all three services answer.</summary>
    public static async Task WaitUntilReadyAsync(AzuriteEndpoints endpoints, Func<bool> hasExited, Func<string> diagnostics, CancellationToken cancellationToken = default)
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(2) };
        await Readiness.WaitAsync(
            $"Azurite (blob {endpoints.BlobPort}, queue {endpoints.QueuePort}, table {endpoints.TablePort})",
            ct => endpoints.AllAnswerAsync(http, ct),
            hasExited,
            diagnostics,
            StartTimeout,
            cancellationToken);
    }

    private static string Port(int port) => port.ToString(CultureInfo.InvariantCulture);
}
