using System.Numerics;
using CityFn.LocalDev;
using Nethereum.Signer;

namespace CityFn.Contracts.Tests;

/// <summary>A fresh token + distributor on the shared Hardhat node, deployed by funded key 0 (admin, publisher and guardian).</summary>
internal sealed class RewardTestBed : IDisposable
{
    public static readonly BigInteger Token = BigInteger.Pow(10, 18);

    private RewardTestBed(LocalChain chain, ChainClient client, RewardDistributorService service)
    {
        Chain = chain;
        Client = client;
        Service = service;
    }

    public LocalChain Chain { get; }

    public ChainClient Client { get; }

    public RewardDistributorService Service { get; }

    public static async Task<RewardTestBed> DeployAsync(LocalChain chain, BigInteger? epochCap = null, BigInteger? firstEpoch = null, ChainClientOptions? options = null)
    {
        var client = ClientFor(chain, keyIndex: 0, options);
        var settings = new RewardDeploymentSettings(client.Address, client.Address, client.Address, epochCap ?? 1_000_000 * Token)
        {
            FirstEpoch = firstEpoch ?? 1,
        };
        var service = await RewardDistributorService.DeployAsync(client, settings);
        return new RewardTestBed(chain, client, service);
    }

    public static ChainClient ClientFor(LocalChain chain, int keyIndex, ChainClientOptions? options = null) =>
        new(chain.Endpoint.RpcUrl, chain.FundedKeys[keyIndex], chain.Endpoint.ChainId, options);

    /// <summary>The same contracts driven by another funded key.</summary>
    public RewardDistributorService ServiceFor(ChainClient client) => new(client, Service.Contracts);

    public static EthECKey NewAccount() => EthECKey.GenerateKey();

    public void Dispose() => Client.Dispose();
}
