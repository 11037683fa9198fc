using System.Globalization;
using System.Numerics;
using System.Reflection;
using CityFn.Contracts.CityRewardToken;
using CityFn.Contracts.RewardDistributor;
using Nethereum.ABI.FunctionEncoding.Attributes;
using Nethereum.Contracts;
using Nethereum.Hex.HexConvertors.Extensions;

namespace CityFn.Contracts;

/// <summary>Turns revert data into the typed custom error (an <c>XError</c> class) it encodes.</summary>
public static class ContractErrors
{
    /// <summary>Every error the reward contracts can revert with, plus Solidity's Error(string) and Panic(uint256).</summary>
    public static IReadOnlyList<Type> Known { get; } =
    [
        typeof(ZeroAddressError), typeof(InvalidFirstEpochError), typeof(InvalidRootError),
        typeof(EpochNotConsecutiveError), typeof(EpochOverCapError), typeof(UnknownEpochError),
        typeof(InvalidProofError), typeof(SignatureExpiredError),
        typeof(InvalidSignatureError), typeof(AccessControlUnauthorizedAccountError),
        typeof(AccessControlBadConfirmationError), typeof(EnforcedPauseError), typeof(ExpectedPauseError),
        typeof(ERC20InsufficientBalanceError), typeof(ERC20InvalidReceiverError), typeof(SupplyOverflowError),
        typeof(NothingToClaimError),
        typeof(RevertReasonError), typeof(PanicError),
    ];

    /// <summary>The typed error <paramref name="revertData"/> encodes, or null when its selector is not a known error.</summary>
    public static object? TryDecode(string revertData)
    {
        if (string.IsNullOrEmpty(revertData) || revertData.RemoveHexPrefix().Length < 8)
        {
            return null;
        }

        var errorType = Known.FirstOrDefault(type => ErrorExtensions.IsExceptionEncodedDataForError(revertData, type));
        return errorType is null ? null : ErrorExtensions.DecodeExceptionEncodedData(revertData, errorType);
    }

    /// <summary>Solidity-like text of a decoded error: <c>EpochNotConsecutive(expected: 2, got: 4)</c>.</summary>
    public static string Describe(object error)
    {
        var type = error.GetType();
        var name = type.GetCustomAttribute<ErrorAttribute>()?.Name ?? type.Name;
        var arguments = type.GetProperties()
            .Select(property => (Property: property, Parameter: property.GetCustomAttribute<ParameterAttribute>()))
            .Where(p => p.Parameter is not null)
            .OrderBy(p => p.Parameter!.Order)
            .Select(p => $"{p.Parameter!.Name}: {Format(p.Property.GetValue(error))}");
        return $"{name}({string.Join(", ", arguments)})";
    }

    private static string Format(object? value) => value switch
    {
        null => "null",
        byte[] bytes => bytes.ToHex(prefix: true),
        BigInteger number => number.ToString(CultureInfo.InvariantCulture),
        _ => Convert.ToString(value, CultureInfo.InvariantCulture) ?? "",
    };
}

/// <summary>Solidity's <c>require(condition, "reason")</c> / <c>revert("reason")</c>.</summary>
[Error("Error")]
public sealed class RevertReasonError
{
    [Parameter("string", "reason", 1)]
    public string Reason { get; set; } = "";
}

/// <summary>Solidity's Panic(uint256): an assert, overflow, division by zero, out-of-bounds index...</summary>
[Error("Panic")]
public sealed class PanicError
{
    [Parameter("uint256", "code", 1)]
    public BigInteger Code { get; set; }
}
