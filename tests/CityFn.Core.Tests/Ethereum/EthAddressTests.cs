using CityFn.Core.Ethereum;

namespace CityFn.Core.Tests.Ethereum;

public sealed class EthAddressTests
{
    // EIP-55 test vectors from the EIP.
    [Theory]
    [InlineData("0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed")]
    [InlineData("0xfB6916095ca1df60bB79Ce92cE3Ea74c37c5d359")]
    [InlineData("0xdbF03B407c01E7cD3CBea99509d93f8DDDC8C6FB")]
    [InlineData("0xD1220A0cf47c7B9Be7A2E6BA89F429762e7b9aDb")]
    public void Prints_the_EIP55_checksum_for_lowercase_input(string checksummed)
    {
        var address = EthAddress.Parse(checksummed.ToLowerInvariant());

        Assert.Equal(checksummed, address.ToChecksumString());
        Assert.Equal(address, EthAddress.Parse(checksummed));
    }

    [Theory]
    [InlineData("0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAeD", "checksum")]
    [InlineData("0x5aaeb6053f3e94c9b9a09f33669435e7ef1beae", "40 hex digits")]
    [InlineData("5aaeb6053f3e94c9b9a09f33669435e7ef1beaed", "40 hex digits")]
    [InlineData("0x5aaeb6053f3e94c9b9a09f33669435e7ef1beaeg", "not hex digits")]
    public void Rejects_malformed_addresses_saying_why(string text, string reason)
    {
        var error = Assert.Throws<FormatException>(() => EthAddress.Parse(text));

        Assert.Contains(reason, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Orders_by_bytes_like_the_lowercase_hex()
    {
        string[] hex =
        [
            "0xff00000000000000000000000000000000000000",
            "0x0000000000000000000000000000000000000001",
            "0x00000000000000000000000000000000000000ff",
            "0x0000000000000001000000000000000000000000",
            "0x0000000000000000000000010000000000000000",
        ];

        var sorted = hex.Select(EthAddress.Parse).Order().Select(a => a.ToLowerHex());

        Assert.Equal(hex.Order(StringComparer.Ordinal), sorted);
    }
}
