using System.Numerics;
using Nethereum.ABI.FunctionEncoding.Attributes;
using Nethereum.Contracts;
using Nethereum.Util;

// Typed bindings of contracts/src/RewardDistributor.sol, one class per ABI item (Nethereum style).
// Events are in RewardDistributorEvents.cs, custom errors in RewardDistributorErrors.cs.
namespace CityFn.Contracts.RewardDistributor;

public static class RewardDistributorRoles
{
    /// <summary>bytes32(0): grants and revokes roles, changes the epoch cap.</summary>
    public static byte[] Admin { get; } = new byte[32];

    /// <summary>keccak256("PUBLISHER_ROLE"): publishes epoch roots.</summary>
    public static byte[] Publisher { get; } = Sha3Keccack.Current.CalculateHash("PUBLISHER_ROLE"u8.ToArray());

    /// <summary>keccak256("GUARDIAN_ROLE"): pauses and unpauses claims and publishing.</summary>
    public static byte[] Guardian { get; } = Sha3Keccack.Current.CalculateHash("GUARDIAN_ROLE"u8.ToArray());
}

public sealed class RewardDistributorDeployment() : ContractDeploymentMessage(ContractArtifact.RewardDistributor.Bytecode)
{
    [Parameter("address", "token_", 1)]
    public string Token { get; set; } = "";

    [Parameter("address", "admin", 2)]
    public string Admin { get; set; } = "";

    [Parameter("address", "publisher", 3)]
    public string Publisher { get; set; } = "";

    [Parameter("address", "guardian", 4)]
    public string Guardian { get; set; } = "";

    [Parameter("uint256", "firstEpoch", 5)]
    public BigInteger FirstEpoch { get; set; }

    [Parameter("uint256", "epochCap_", 6)]
    public BigInteger EpochCap { get; set; }
}

[Function("publishRoot")]
public sealed class PublishRootFunction : FunctionMessage
{
    [Parameter("uint256", "epoch", 1)]
    public BigInteger Epoch { get; set; }

    [Parameter("bytes32", "root", 2)]
    public byte[] Root { get; set; } = [];

    [Parameter("uint256", "epochTotal", 3)]
    public BigInteger EpochTotal { get; set; }
}

[Function("claim")]
public sealed class ClaimFunction : FunctionMessage
{
    [Parameter("address", "account", 1)]
    public string Account { get; set; } = "";

    [Parameter("uint256", "cumulativeAmount", 2)]
    public BigInteger CumulativeAmount { get; set; }

    [Parameter("uint256", "epoch", 3)]
    public BigInteger Epoch { get; set; }

    [Parameter("bytes32[]", "proof", 4)]
    public List<byte[]> Proof { get; set; } = [];
}

[Function("claimFor")]
public sealed class ClaimForFunction : FunctionMessage
{
    [Parameter("address", "account", 1)]
    public string Account { get; set; } = "";

    [Parameter("uint256", "cumulativeAmount", 2)]
    public BigInteger CumulativeAmount { get; set; }

    [Parameter("uint256", "epoch", 3)]
    public BigInteger Epoch { get; set; }

    [Parameter("bytes32[]", "proof", 4)]
    public List<byte[]> Proof { get; set; } = [];

    [Parameter("address", "receiver", 5)]
    public string Receiver { get; set; } = "";

    [Parameter("uint256", "deadline", 6)]
    public BigInteger Deadline { get; set; }

    [Parameter("bytes", "signature", 7)]
    public byte[] Signature { get; set; } = [];
}

[Function("setEpochCap")]
public sealed class SetEpochCapFunction : FunctionMessage
{
    [Parameter("uint256", "newCap", 1)]
    public BigInteger NewCap { get; set; }
}

[Function("pause")]
public sealed class PauseFunction : FunctionMessage;

[Function("unpause")]
public sealed class UnpauseFunction : FunctionMessage;

[Function("claimed", "uint256")]
public sealed class ClaimedFunction : FunctionMessage
{
    [Parameter("address", "account", 1)]
    public string Account { get; set; } = "";
}

[Function("roots", "bytes32")]
public sealed class RootsFunction : FunctionMessage
{
    [Parameter("uint256", "epoch", 1)]
    public BigInteger Epoch { get; set; }
}

[Function("nonces", "uint256")]
public sealed class NoncesFunction : FunctionMessage
{
    [Parameter("address", "owner", 1)]
    public string Owner { get; set; } = "";
}

[Function("currentEpoch", "uint256")]
public sealed class CurrentEpochFunction : FunctionMessage;

[Function("totalPublished", "uint256")]
public sealed class TotalPublishedFunction : FunctionMessage;

[Function("epochCap", "uint256")]
public sealed class EpochCapFunction : FunctionMessage;

[Function("paused", "bool")]
public sealed class PausedFunction : FunctionMessage;

[Function("token", "address")]
public sealed class TokenFunction : FunctionMessage;

[Function("domainSeparator", "bytes32")]
public sealed class DomainSeparatorFunction : FunctionMessage;

/// <summary>
/// The EIP-712 message an account signs for <see cref="ClaimForFunction"/>. Its shape is the
/// contract's CLAIM_TYPEHASH: Claim(address account,uint256 cumulativeAmount,uint256 epoch,address receiver,uint256 nonce,uint256 deadline).
/// </summary>
[Struct("Claim")]
public sealed class ClaimAuthorization
{
    [Parameter("address", "account", 1)]
    public string Account { get; set; } = "";

    [Parameter("uint256", "cumulativeAmount", 2)]
    public BigInteger CumulativeAmount { get; set; }

    [Parameter("uint256", "epoch", 3)]
    public BigInteger Epoch { get; set; }

    [Parameter("address", "receiver", 4)]
    public string Receiver { get; set; } = "";

    [Parameter("uint256", "nonce", 5)]
    public BigInteger Nonce { get; set; }

    [Parameter("uint256", "deadline", 6)]
    public BigInteger Deadline { get; set; }
}
