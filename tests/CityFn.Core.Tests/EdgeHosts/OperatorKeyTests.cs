using CityFn.Core.Ethereum;
using CityFn.Core.EdgeHosts;
using Nethereum.Signer;

namespace CityFn.Core.Tests.EdgeHosts;

public sealed class OperatorKeyTests
{
    [Fact]
    public void The_address_and_signatures_agree_with_nethereum()
    {
        var key = OperatorKey.Generate();
        var digest = Keccak256.Hash("hello edge"u8);
        var nethereumKey = new EthECKey(key.ToHex());

        var signature = key.SignDigest(digest);

        Assert.Equal(nethereumKey.GetPublicAddress().ToLowerInvariant(), key.Address);
        var recovered = EthECKey.RecoverFromSignature(EthECDSASignatureFactory.ExtractECDSASignature("0x" + Convert.ToHexStringLower(signature)), digest);
        Assert.Equal(key.Address, recovered.GetPublicAddress().ToLowerInvariant());
        Assert.Equal(key.Address, OperatorKey.TryRecoverAddress(digest, signature));
    }

    [Fact]
    public void A_key_survives_its_hex_form()
    {
        var key = OperatorKey.Generate();

        Assert.Equal(key.Address, OperatorKey.FromHex(key.ToHex()).Address);
    }

    [Theory]
    [InlineData("not hex")]
    [InlineData("0x1234")]
    [InlineData("0x0000000000000000000000000000000000000000000000000000000000000000")]
    public void Unusable_key_text_is_refused_with_the_expected_form(string text)
    {
        var exception = Assert.Throws<FormatException>(() => OperatorKey.FromHex(text));

        Assert.Contains("64 hex digits", exception.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_malformed_signature_recovers_nothing()
    {
        var digest = Keccak256.Hash("x"u8);

        Assert.Null(OperatorKey.TryRecoverAddress(digest, new byte[64]));
        Assert.Null(OperatorKey.TryParseSignature("0x12"));
    }
}
