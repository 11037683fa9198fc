using CityFn.Core.Ethereum;
using Nethereum.Util;

namespace CityFn.Core.Tests.Ethereum;

public sealed class Keccak256IncrementalTests
{
    [Fact]
    public void The_empty_input_hashes_to_ethereums_known_value()
    {
        Assert.Equal("c5d2460186f7233c927e7db2dcc703c0e500b653ca82273b7bfad8045d85a470", Convert.ToHexStringLower(Keccak256.Hash([])));
    }

    [Fact]
    public void Every_length_across_block_boundaries_matches_nethereum_in_one_piece_and_in_pieces()
    {
        var random = new Random(7);
        for (var length = 0; length <= 700; length += length < 300 ? 1 : 37)
        {
            var data = new byte[length];
            random.NextBytes(data);
            var expected = Convert.ToHexStringLower(new Sha3Keccack().CalculateHash(data));

            Assert.Equal(expected, Convert.ToHexStringLower(Keccak256.Hash(data)));
            var split = length / 3;
            Assert.Equal(expected, Convert.ToHexStringLower(Keccak256.HashConcatenation(data[..split], data[split..(2 * split)], data[(2 * split)..])));
        }
    }
}
