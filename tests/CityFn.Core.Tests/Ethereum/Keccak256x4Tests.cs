using CityFn.Core.Ethereum;

namespace CityFn.Core.Tests.Ethereum;

public sealed class Keccak256x4Tests
{
    [Theory]
    [InlineData(32)]
    [InlineData(64)]
    public void Four_hashes_at_once_equal_four_scalar_hashes(int length)
    {
        var random = new Random(length);
        for (var round = 0; round < 50; round++)
        {
            var inputs = new byte[4 * length];
            random.NextBytes(inputs);
            var outputs = new byte[4 * Keccak256.HashSize];

            Keccak256x4.Hash(inputs, length, outputs);

            for (var k = 0; k < 4; k++)
            {
                Assert.Equal(Keccak256.Hash(inputs.AsSpan(k * length, length)), outputs.AsSpan(k * 32, 32).ToArray());
            }
        }
    }

    [Fact]
    public void Other_input_lengths_are_refused()
    {
        Assert.Throws<ArgumentException>(() => Keccak256x4.Hash(new byte[4 * 40], 40, new byte[128]));
    }
}
