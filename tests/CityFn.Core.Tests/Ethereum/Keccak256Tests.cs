using System.Text;
using CityFn.Core.Ethereum;

namespace CityFn.Core.Tests.Ethereum;

public sealed class Keccak256Tests
{
    [Theory]
    [InlineData("", "c5d2460186f7233c927e7db2dcc703c0e500b653ca82273b7bfad8045d85a470")]
    [InlineData("abc", "4e03657aea45a94fc7d47ba826c8d667c0d1e6e33a64a036ec44f58fa12d6c45")]
    [InlineData("The quick brown fox jumps over the lazy dog", "4d741b6f1eb29cb2a9b9911c82f56fa8d73b04959d3d9d222895df6c0b28aa15")]
    [InlineData("transfer(address,uint256)", "a9059cbb2ab09eb219583f4a59a5d0623ade346d962bcd4e46b11da047c9049b")]
    public void Hashes_known_vectors(string input, string expectedHex)
    {
        var hash = Keccak256.Hash(Encoding.ASCII.GetBytes(input));

        Assert.Equal(expectedHex, Convert.ToHexStringLower(hash));
    }

    [Theory]
    [InlineData(135, "3d28d08c3dacab77392064a939f3e7f8d03f2e02e2c664ac08a05f63ac652626")]
    [InlineData(136, "b82d89d96e5575d11a9e1f4cabb2a45e60899e69a19a724cd796bdcf13511018")]
    [InlineData(137, "ec8008a74e50bc7d6b22c3ad85402bf10e6d4449f3c8618e36c461b8a44eeafb")]
    [InlineData(272, "a657381e5615f539cac71f13c74473a5e77eaa2bd8348422dcac221c8f13da94")]
    public void Inputs_around_the_136_byte_block_match_the_reference(int length, string expectedHex)
    {
        // Expected values from ethereum-cryptography (the hash the JS Merkle library uses). 135 puts the pad byte
        // and the final bit in one byte; 136 and 272 need an extra padding block.
        var hash = Keccak256.Hash(Enumerable.Repeat((byte)0xa3, length).ToArray());

        Assert.Equal(expectedHex, Convert.ToHexStringLower(hash));
    }

    [Fact]
    public void Two_hundred_bytes_of_a3_match_the_published_vector()
    {
        var hash = Keccak256.Hash(Enumerable.Repeat((byte)0xa3, 200).ToArray());

        Assert.Equal("3a57666b048777f2c953dc4456f45a2588e1cb6f2da760122d530ac2ce607d4a", Convert.ToHexStringLower(hash));
    }
}
