namespace CityFn.Contracts.Tests;

public sealed class RewardClaimTests
{
    private const string Account = "0x1111111111111111111111111111111111111111";

    [Fact]
    public void A_claim_with_a_malformed_account_is_refused_before_reaching_the_chain()
    {
        var claim = new RewardClaim("0x1234", 5, 1, [new byte[32]]);

        var exception = Assert.Throws<ArgumentException>(claim.Validate);

        Assert.Contains("'0x1234' is not a 0x-prefixed 20-byte address", exception.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_proof_element_that_is_not_32_bytes_is_refused_with_its_index()
    {
        var claim = new RewardClaim(Account, 5, 1, [new byte[32], new byte[31]]);

        var exception = Assert.Throws<ArgumentException>(claim.Validate);

        Assert.Contains("proof element 1 is not 32 bytes", exception.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_zero_amount_or_epoch_is_refused()
    {
        Assert.Throws<ArgumentOutOfRangeException>(new RewardClaim(Account, 0, 1, []).Validate);
        Assert.Throws<ArgumentOutOfRangeException>(new RewardClaim(Account, 5, 0, []).Validate);
    }
}
