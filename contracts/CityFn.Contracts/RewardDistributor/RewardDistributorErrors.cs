using System.Numerics;
using Nethereum.ABI.FunctionEncoding.Attributes;

// Custom errors of RewardDistributor, including those it inherits from OpenZeppelin.
namespace CityFn.Contracts.RewardDistributor;

[Error("ZeroAddress")]
public sealed class ZeroAddressError;

[Error("InvalidFirstEpoch")]
public sealed class InvalidFirstEpochError;

[Error("InvalidRoot")]
public sealed class InvalidRootError;

[Error("EpochNotConsecutive")]
public sealed class EpochNotConsecutiveError
{
    [Parameter("uint256", "expected", 1)]
    public BigInteger Expected { get; set; }

    [Parameter("uint256", "got", 2)]
    public BigInteger Got { get; set; }
}

[Error("EpochOverCap")]
public sealed class EpochOverCapError
{
    [Parameter("uint256", "total", 1)]
    public BigInteger Total { get; set; }

    [Parameter("uint256", "cap", 2)]
    public BigInteger Cap { get; set; }
}

[Error("UnknownEpoch")]
public sealed class UnknownEpochError
{
    [Parameter("uint256", "epoch", 1)]
    public BigInteger Epoch { get; set; }
}

[Error("InvalidProof")]
public sealed class InvalidProofError;

[Error("SignatureExpired")]
public sealed class SignatureExpiredError
{
    [Parameter("uint256", "deadline", 1)]
    public BigInteger Deadline { get; set; }
}

[Error("InvalidSignature")]
public sealed class InvalidSignatureError;

[Error("AccessControlUnauthorizedAccount")]
public sealed class AccessControlUnauthorizedAccountError
{
    [Parameter("address", "account", 1)]
    public string Account { get; set; } = "";

    [Parameter("bytes32", "neededRole", 2)]
    public byte[] NeededRole { get; set; } = [];
}

[Error("AccessControlBadConfirmation")]
public sealed class AccessControlBadConfirmationError;

[Error("EnforcedPause")]
public sealed class EnforcedPauseError;

[Error("ExpectedPause")]
public sealed class ExpectedPauseError;
