using CityFn.Contracts;
using CityFn.Contracts.RewardDistributor;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace CityFn.Core.Rewards.Settlement;

/// <summary>The reward distributor as the settlement publishes to it with the settlement key; created on first use.</summary>
public sealed class SettlementChain(IOptions<ChainOptions> options, ISettlementKeySource keys, ILogger<ChainClient>? logger = null) : IDisposable
{
    private readonly SemaphoreSlim _gate = new(1, 1);
    private SettlementPublisher? _publisher;
    private RewardDistributorService? _reader;

    /// <summary>Whether a distributor address is set (a deployment before `cityfn chain deploy` has none).</summary>
    public bool HasDistributor => !string.IsNullOrWhiteSpace(options.Value.DistributorAddress);

    /// <summary>The distributor for reads (roots, claimed amounts): needs no settlement key.</summary>
    public async Task<RewardDistributorService> ReaderAsync(CancellationToken cancellationToken = default)
    {
        if (_reader is not null)
        {
            return _reader;
        }

        var chain = options.Value;
        chain.EnsureConfigured();
        var client = ChainClient.ReadOnly(chain.RpcUrl, chain.ChainId, chain.ClientOptions());
        var token = await client.CallAsync<TokenFunction, string>(chain.DistributorAddress, new TokenFunction(), cancellationToken);
        return _reader = new RewardDistributorService(client, new RewardContracts(token, chain.DistributorAddress));
    }

    public async Task<SettlementPublisher> PublisherAsync(CancellationToken cancellationToken = default)
    {
        if (_publisher is not null)
        {
            return _publisher;
        }

        await _gate.WaitAsync(cancellationToken);
        try
        {
            if (_publisher is null)
            {
                var chain = options.Value;
                chain.EnsureConfigured();
                var key = await keys.GetPrivateKeyAsync(cancellationToken);
                var client = new ChainClient(chain.RpcUrl, key, chain.ChainId, chain.ClientOptions(), logger: logger);
                var token = await client.CallAsync<TokenFunction, string>(chain.DistributorAddress, new TokenFunction(), cancellationToken);
                _publisher = new SettlementPublisher(client, new RewardDistributorService(client, new RewardContracts(token, chain.DistributorAddress)));
            }

            return _publisher;
        }
        finally
        {
            _gate.Release();
        }
    }

    public void Dispose()
    {
        _publisher?.Client.Dispose();
        _gate.Dispose();
    }
}

/// <summary>The settlement key's client and the distributor it publishes to.</summary>
public sealed record SettlementPublisher(ChainClient Client, RewardDistributorService Distributor);
