using System.Numerics;
using CityFn.Contracts.RewardDistributor;
using Nethereum.ABI.EIP712;
using Nethereum.Hex.HexConvertors.Extensions;
using Nethereum.Signer;
using Nethereum.Signer.EIP712;

namespace CityFn.Contracts;

/// <summary>
/// Produces the EIP-712 signature RewardDistributor.claimFor checks. The domain binds it to one
/// chain and one distributor; the nonce makes it single-use; the deadline bounds its lifetime.
/// </summary>
public static class ClaimSigner
{
    /// <summary>The EIP712 name and version passed to the contract's constructor.</summary>
    public const string DomainName = "CityFn RewardDistributor";

    public const string DomainVersion = "1";

    /// <summary>Signs <paramref name="authorization"/> with <paramref name="accountKey"/> (which must be the key of authorization.Account).</summary>
    public static byte[] Sign(ClaimAuthorization authorization, BigInteger chainId, string distributorAddress, EthECKey accountKey)
    {
        ArgumentNullException.ThrowIfNull(authorization);
        ArgumentNullException.ThrowIfNull(accountKey);
        var signature = new Eip712TypedDataSigner().SignTypedDataV4(authorization, TypedData(chainId, distributorAddress), accountKey);
        return signature.HexToByteArray();
    }

    /// <summary>The typed-data definition (domain + Claim type) for one distributor.</summary>
    public static TypedData<Domain> TypedData(BigInteger chainId, string distributorAddress) => new()
    {
        Domain = new Domain
        {
            Name = DomainName,
            Version = DomainVersion,
            ChainId = chainId,
            VerifyingContract = distributorAddress,
        },
        Types = MemberDescriptionFactory.GetTypesMemberDescription(typeof(Domain), typeof(ClaimAuthorization)),
        PrimaryType = "Claim",
    };
}
