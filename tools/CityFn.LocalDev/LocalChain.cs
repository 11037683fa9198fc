using System.Globalization;
using Nethereum.Signer;

namespace CityFn.LocalDev;

/// <summary>
/// A real Hardhat node on 127.0.0.1, started by this process and stopped on dispose. Its funded
/// accounts are fresh random keys made for this run and handed to Hardhat through the environment,
/// so no key is in the repository and Hardhat does not print them.
/// </summary>
public sealed class LocalChain : IAsyncDisposable
{
    /// <summary>Fragment of the Hardhat node's command line, used to recognise its PID.</summary>
    public const string CommandFragment = "hardhat";

    /// <summary>Environment variable hardhat.config.js reads the funded keys from (comma separated).</summary>
    public const string KeysVariable = "CITYFN_CHAIN_KEYS";

    /// <summary>Environment variable hardhat.config.js reads the chain id from.</summary>
    public const string ChainIdVariable = "CITYFN_CHAIN_ID";

    private const int FundedAccountCount = 10;
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(60);

    private readonly NodeServerProcess _process;

    private LocalChain(NodeServerProcess process, ChainEndpoint endpoint, IReadOnlyList<string> fundedKeys)
    {
        _process = process;
        Endpoint = endpoint;
        FundedKeys = fundedKeys;
    }

    public ChainEndpoint Endpoint { get; }

    /// <summary>Private keys (0x hex) of accounts holding 10,000 ETH each. Never log them.</summary>
    public IReadOnlyList<string> FundedKeys { get; }

    public int Pid => _process.Pid;

    /// <summary>Starts a Hardhat node on the given port (a free one when null) and returns once eth_chainId answers.</summary>
    public static async Task<LocalChain> StartAsync(int? port = null, long chainId = 31337, CancellationToken cancellationToken = default)
    {
        var repoRoot = RepositoryRoot.Find();
        await NodeTools.EnsureInstalledAsync(repoRoot, cancellationToken: cancellationToken);
        var endpoint = new ChainEndpoint(port ?? FreePorts.Pick(1)[0], chainId);
        var keys = NewFundedKeys();

        var process = NodeServerProcess.StartAttached(
            "Hardhat node", repoRoot, ScriptPath(repoRoot), Arguments(endpoint), repoRoot, Environment(endpoint, keys));
        var chain = new LocalChain(process, endpoint, keys);
        try
        {
            await WaitUntilReadyAsync(endpoint, () => process.HasExited, process.OutputTail, cancellationToken);
            return chain;
        }
        catch
        {
            await chain.DisposeAsync();
            throw;
        }
    }

    /// <summary>Hardhat's CLI entry inside node_modules.</summary>
    public static string ScriptPath(string repoRoot) =>
        NodeTools.ModulePath(repoRoot, "hardhat", "internal", "cli", "bootstrap.js");

    public static IReadOnlyList<string> Arguments(ChainEndpoint endpoint) =>
        ["node", "--hostname", "127.0.0.1", "--port", endpoint.Port.ToString(CultureInfo.InvariantCulture)];

    /// <summary>The environment that makes hardhat.config.js fund these keys on this chain id.</summary>
    public static IReadOnlyDictionary<string, string> Environment(ChainEndpoint endpoint, IReadOnlyList<string> keys) =>
        new Dictionary<string, string>
        {
            [KeysVariable] = string.Join(',', keys),
            [ChainIdVariable] = endpoint.ChainId.ToString(CultureInfo.InvariantCulture),
        };

    /// <summary>Fresh random private keys for the funded accounts.</summary>
    public static IReadOnlyList<string> NewFundedKeys() =>
        [.. Enumerable.Range(0, FundedAccountCount).Select(_ => EthECKey.GenerateKey().GetPrivateKey())];

    /// <summary>Polls eth_chainId until the node answers with the expected chain id.</summary>
    public static async Task WaitUntilReadyAsync(ChainEndpoint endpoint, Func<bool> hasExited, Func<string> diagnostics, CancellationToken cancellationToken = default)
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(2) };
        await Readiness.WaitAsync(
            $"Hardhat node ({endpoint.RpcUrl})",
            async ct => await endpoint.TryGetChainIdAsync(http, ct) == endpoint.ChainId,
            hasExited,
            diagnostics,
            StartTimeout,
            cancellationToken);
    }

    public ValueTask DisposeAsync() => _process.DisposeAsync();
}
