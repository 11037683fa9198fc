using System.ComponentModel.DataAnnotations;
using CityFn.Contracts;

namespace CityFn.Core.Rewards.Settlement;

/// <summary>The settlement chain and the reward distributor on it (section <c>Chain</c>).</summary>
public sealed class ChainOptions
{
    public const string SectionName = "Chain";

    /// <summary>JSON-RPC endpoint of the chain (the local Hardhat node: http://127.0.0.1:8545).</summary>
    public string RpcUrl { get; set; } = "";

    [Range(1, long.MaxValue)]
    public long ChainId { get; set; } = 31337;

    /// <summary>In Azure: the Key Vault holding the settlement key (empty locally: the key comes from CITYFN_SETTLEMENT_KEY or CITYFN_SETTLEMENT_KEY_FILE).</summary>
    public string KeyVaultUri { get; set; } = "";

    /// <summary>Name of the Key Vault secret whose value is the settlement key (0x hex).</summary>
    public string SettlementKeySecretName { get; set; } = "settlement-key";

    /// <summary>Address of the RewardDistributor the settlement publishes roots to (printed by <c>cityfn chain deploy</c>).</summary>
    public string DistributorAddress { get; set; } = "";

    /// <summary>Blocks that must contain or follow the publish transaction before the epoch counts as confirmed.</summary>
    [Range(1, 1000)]
    public int Confirmations { get; set; } = 1;

    public ChainClientOptions ClientOptions() => new() { Confirmations = Confirmations };

    /// <summary>Throws a message naming the missing setting when the chain is not configured.</summary>
    public void EnsureConfigured()
    {
        if (string.IsNullOrWhiteSpace(RpcUrl) || !Uri.TryCreate(RpcUrl, UriKind.Absolute, out _))
        {
            throw new InvalidOperationException($"Chain__RpcUrl '{RpcUrl}' is not an absolute URL of the chain's JSON-RPC endpoint.");
        }

        if (!Nethereum.Util.AddressUtil.Current.IsValidEthereumAddressHexFormat(DistributorAddress))
        {
            throw new InvalidOperationException(
                $"Chain__DistributorAddress '{DistributorAddress}' is not a contract address: set it to the RewardDistributor address (`cityfn chain deploy` prints it).");
        }
    }
}
