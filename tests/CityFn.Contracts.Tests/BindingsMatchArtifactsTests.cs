using System.Reflection;
using System.Text.Json;
using Nethereum.ABI.FunctionEncoding.Attributes;
using Nethereum.Contracts;

namespace CityFn.Contracts.Tests;

/// <summary>The hand-written bindings describe exactly what the committed artifacts contain.</summary>
public sealed class BindingsMatchArtifactsTests
{
    [Theory]
    [InlineData("RewardDistributor", "CityFn.Contracts.RewardDistributor")]
    [InlineData("CityRewardToken", "CityFn.Contracts.CityRewardToken")]
    public void Every_function_event_and_error_binding_has_the_signature_of_an_ABI_item(string contract, string bindingNamespace)
    {
        var abi = AbiSignatures(ContractArtifact.Load(contract));
        var bindings = typeof(ContractArtifact).Assembly.GetTypes().Where(t => t.Namespace == bindingNamespace).ToList();

        var signatures = bindings.Select(t => t.GetCustomAttribute<FunctionAttribute>() is not null ? ("function", ABITypedRegistry.GetFunctionABI(t).Signature)
            : t.GetCustomAttribute<EventAttribute>() is not null ? ("event", ABITypedRegistry.GetEvent(t).Signature)
            : t.GetCustomAttribute<ErrorAttribute>() is not null ? ("error", ABITypedRegistry.GetError(t).Signature)
            : default).Where(s => s != default).ToList();

        Assert.True(signatures.Count >= 10, $"only {signatures.Count} bindings found for {contract}");
        Assert.All(signatures, s => Assert.Contains(s, abi));
    }

    [Fact]
    public void Every_error_the_distributor_can_revert_with_decodes_to_a_typed_error()
    {
        var abiErrors = AbiSignatures(ContractArtifact.RewardDistributor).Where(s => s.Kind == "error").Select(s => s.Signature);
        var known = ContractErrors.Known.Select(t => ABITypedRegistry.GetError(t).Signature).ToHashSet();

        // EIP712's ShortStrings errors and Nonces' InvalidAccountNonce cannot happen with our fixed name and _useNonce.
        var unreachable = new[] { "InvalidShortString()", "StringTooLong(string)", "InvalidAccountNonce(address,uint256)" };
        Assert.All(abiErrors.Except(unreachable), signature => Assert.Contains(signature, known));
    }

    [Fact]
    public void The_token_errors_a_claim_or_publish_can_meet_decode_to_typed_errors()
    {
        var known = ContractErrors.Known.Select(t => ABITypedRegistry.GetError(t).Signature).ToHashSet();

        Assert.Contains("SupplyOverflow(uint256,uint256)", known);
        Assert.Contains("NothingToClaim(address,uint256,uint256)", known);
        Assert.Contains("ERC20InsufficientBalance(address,uint256,uint256)", known);
        var tokenErrors = AbiSignatures(ContractArtifact.CityRewardToken).Where(s => s.Kind == "error").Select(s => s.Signature).ToHashSet();
        Assert.Contains("SupplyOverflow(uint256,uint256)", tokenErrors);
        Assert.Contains("NothingToClaim(address,uint256,uint256)", tokenErrors);
    }

    private static HashSet<(string Kind, string Signature)> AbiSignatures(ContractArtifact artifact)
    {
        using var abi = JsonDocument.Parse(artifact.Abi);
        return abi.RootElement.EnumerateArray()
            .Where(item => item.TryGetProperty("name", out _))
            .Select(item => (
                item.GetProperty("type").GetString()!,
                $"{item.GetProperty("name").GetString()}({string.Join(',', item.GetProperty("inputs").EnumerateArray().Select(i => i.GetProperty("type").GetString()))})"))
            .ToHashSet();
    }
}
