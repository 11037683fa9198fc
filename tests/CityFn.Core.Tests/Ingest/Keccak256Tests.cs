using System.Text;
using CityFn.Core.Ingest;
using Nethereum.Util;

namespace CityFn.Core.Tests.Ingest;

public sealed class Keccak256Tests
{
    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(135)]
    [InlineData(136)]
    [InlineData(137)]
    [InlineData(272)]
    [InlineData(5000)]
    public void Hashes_like_Nethereum_for_lengths_around_the_rate(int length)
    {
        var data = Enumerable.Range(0, length).Select(i => (byte)((i * 31) + 7)).ToArray();

        Assert.Equal(Sha3Keccack.Current.CalculateHash(data), Keccak256.Hash(data));
    }

    [Fact]
    public void Hashes_the_empty_input_to_the_well_known_Ethereum_value()
    {
        Assert.Equal("c5d2460186f7233c927e7db2dcc703c0e500b653ca82273b7bfad8045d85a470", Convert.ToHexStringLower(Keccak256.Hash([])));
        Assert.Equal(
            Convert.ToHexStringLower(Sha3Keccack.Current.CalculateHash(Encoding.UTF8.GetBytes("cityfn"))),
            Convert.ToHexStringLower(Keccak256.Hash("cityfn"u8)));
    }
}
