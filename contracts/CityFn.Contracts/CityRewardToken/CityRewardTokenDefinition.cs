using System.Numerics;
using Nethereum.ABI.FunctionEncoding.Attributes;
using Nethereum.Contracts;
using Nethereum.Util;

// Typed bindings of contracts/src/CityRewardToken.sol, one class per ABI item (Nethereum style).
namespace CityFn.Contracts.CityRewardToken;

public static class CityRewardTokenRoles
{
    /// <summary>keccak256("MINTER_ROLE"): may mint; granted to the RewardDistributor.</summary>
    public static byte[] Minter { get; } = Sha3Keccack.Current.CalculateHash("MINTER_ROLE"u8.ToArray());
}

public sealed class CityRewardTokenDeployment() : ContractDeploymentMessage(ContractArtifact.CityRewardToken.Bytecode)
{
    [Parameter("string", "name_", 1)]
    public string Name { get; set; } = "";

    [Parameter("string", "symbol_", 2)]
    public string Symbol { get; set; } = "";

    [Parameter("address", "admin", 3)]
    public string Admin { get; set; } = "";
}

[Function("mint")]
public sealed class MintFunction : FunctionMessage
{
    [Parameter("address", "to", 1)]
    public string To { get; set; } = "";

    [Parameter("uint256", "amount", 2)]
    public BigInteger Amount { get; set; }
}

[Function("grantRole")]
public sealed class GrantRoleFunction : FunctionMessage
{
    [Parameter("bytes32", "role", 1)]
    public byte[] Role { get; set; } = [];

    [Parameter("address", "account", 2)]
    public string Account { get; set; } = "";
}

[Function("renounceRole")]
public sealed class RenounceRoleFunction : FunctionMessage
{
    [Parameter("bytes32", "role", 1)]
    public byte[] Role { get; set; } = [];

    [Parameter("address", "callerConfirmation", 2)]
    public string CallerConfirmation { get; set; } = "";
}

[Function("hasRole", "bool")]
public sealed class HasRoleFunction : FunctionMessage
{
    [Parameter("bytes32", "role", 1)]
    public byte[] Role { get; set; } = [];

    [Parameter("address", "account", 2)]
    public string Account { get; set; } = "";
}

[Function("balanceOf", "uint256")]
public sealed class BalanceOfFunction : FunctionMessage
{
    [Parameter("address", "account", 1)]
    public string Account { get; set; } = "";
}

[Function("transfer", "bool")]
public sealed class TransferFunction : FunctionMessage
{
    [Parameter("address", "to", 1)]
    public string To { get; set; } = "";

    [Parameter("uint256", "value", 2)]
    public BigInteger Value { get; set; }
}

/// <summary>Cumulative amount the distributor has paid the account (kept next to its balance).</summary>
[Function("claimedOf", "uint256")]
public sealed class ClaimedOfFunction : FunctionMessage
{
    [Parameter("address", "account", 1)]
    public string Account { get; set; } = "";
}

/// <summary>The distributor's call that records a claim and pays it; MINTER_ROLE only.</summary>
[Function("payClaim", "uint256")]
public sealed class PayClaimFunction : FunctionMessage
{
    [Parameter("address", "account", 1)]
    public string Account { get; set; } = "";

    [Parameter("address", "receiver", 2)]
    public string Receiver { get; set; } = "";

    [Parameter("uint256", "cumulativeAmount", 3)]
    public BigInteger CumulativeAmount { get; set; }
}

[Function("totalSupply", "uint256")]
public sealed class TotalSupplyFunction : FunctionMessage;

[Function("decimals", "uint8")]
public sealed class DecimalsFunction : FunctionMessage;

[Event("Transfer")]
public sealed class TransferEventDTO : IEventDTO
{
    [Parameter("address", "from", 1, true)]
    public string From { get; set; } = "";

    [Parameter("address", "to", 2, true)]
    public string To { get; set; } = "";

    [Parameter("uint256", "value", 3, false)]
    public BigInteger Value { get; set; }
}

[Error("ERC20InsufficientBalance")]
public sealed class ERC20InsufficientBalanceError
{
    [Parameter("address", "sender", 1)]
    public string Sender { get; set; } = "";

    [Parameter("uint256", "balance", 2)]
    public BigInteger Balance { get; set; }

    [Parameter("uint256", "needed", 3)]
    public BigInteger Needed { get; set; }
}

[Error("ERC20InvalidReceiver")]
public sealed class ERC20InvalidReceiverError
{
    [Parameter("address", "receiver", 1)]
    public string Receiver { get; set; } = "";
}

[Error("SupplyOverflow")]
public sealed class SupplyOverflowError
{
    [Parameter("uint256", "supply", 1)]
    public BigInteger Supply { get; set; }

    [Parameter("uint256", "amount", 2)]
    public BigInteger Amount { get; set; }
}

/// <summary>Raised by the token's payClaim, so it reaches callers of RewardDistributor.claim and claimFor.</summary>
[Error("NothingToClaim")]
public sealed class NothingToClaimError
{
    [Parameter("address", "account", 1)]
    public string Account { get; set; } = "";

    [Parameter("uint256", "cumulativeAmount", 2)]
    public BigInteger CumulativeAmount { get; set; }

    [Parameter("uint256", "alreadyClaimed", 3)]
    public BigInteger AlreadyClaimed { get; set; }
}
