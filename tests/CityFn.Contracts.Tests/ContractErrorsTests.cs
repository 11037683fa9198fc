using System.Numerics;
using CityFn.Contracts.RewardDistributor;
using Nethereum.ABI;
using Nethereum.Contracts;
using Nethereum.Hex.HexConvertors.Extensions;

namespace CityFn.Contracts.Tests;

public sealed class ContractErrorsTests
{
    [Fact]
    public void Revert_data_of_a_custom_error_decodes_to_its_typed_error_with_arguments()
    {
        var data = ABITypedRegistry.GetError<EpochOverCapError>().Sha3Signature
            + new ABIEncode().GetABIEncoded(new ABIValue("uint256", new BigInteger(1001)), new ABIValue("uint256", new BigInteger(1000))).ToHex();

        var error = ContractErrors.TryDecode("0x" + data);

        var overCap = Assert.IsType<EpochOverCapError>(error);
        Assert.Equal(new BigInteger(1001), overCap.Total);
        Assert.Equal(new BigInteger(1000), overCap.Cap);
        Assert.Equal("EpochOverCap(total: 1001, cap: 1000)", ContractErrors.Describe(overCap));
    }

    [Fact]
    public void Errors_without_arguments_and_plain_revert_reasons_decode_too()
    {
        var reason = "0x08c379a0" + new ABIEncode().GetABIEncoded(new ABIValue("string", "no")).ToHex();

        Assert.IsType<EnforcedPauseError>(ContractErrors.TryDecode("0xd93c0665"));
        Assert.Equal("no", Assert.IsType<RevertReasonError>(ContractErrors.TryDecode(reason)).Reason);
        Assert.Equal("EnforcedPause()", ContractErrors.Describe(new EnforcedPauseError()));
    }

    [Fact]
    public void Unknown_or_empty_revert_data_gives_an_exception_that_shows_the_raw_data()
    {
        var unknown = new ContractRevertedException("claim on 0xabc", "0xdeadbeef");
        var empty = new ContractRevertedException("claim on 0xabc", "0x");

        Assert.Null(unknown.Error);
        Assert.Equal("claim on 0xabc reverted with unrecognised data 0xdeadbeef", unknown.Message);
        Assert.Equal("claim on 0xabc reverted with unrecognised data (none)", empty.Message);
    }
}
