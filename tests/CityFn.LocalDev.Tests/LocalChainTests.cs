using System.Numerics;
using CityFn.TestSupport;
using Nethereum.Hex.HexTypes;
using Nethereum.Signer;
using Nethereum.Web3;
using Nethereum.Web3.Accounts;

namespace CityFn.LocalDev.Tests;

[Collection(LocalChainCollection.Name)]
public sealed class LocalChainTests(LocalChainFixture fixture)
{
    private static readonly BigInteger OneEther = BigInteger.Pow(10, 18);

    [Fact]
    public async Task The_node_reports_the_chain_id_it_was_started_with()
    {
        var web3 = new Web3(fixture.Chain.Endpoint.RpcUrl);

        var chainId = await web3.Eth.ChainId.SendRequestAsync();

        Assert.Equal(new BigInteger(31337), chainId.Value);
    }

    [Fact]
    public async Task Every_funded_key_holds_ten_thousand_ether()
    {
        var web3 = new Web3(fixture.Chain.Endpoint.RpcUrl);
        Assert.Equal(10, fixture.Chain.FundedKeys.Count);

        foreach (var key in fixture.Chain.FundedKeys.Skip(5))
        {
            var balance = await web3.Eth.GetBalance.SendRequestAsync(new EthECKey(key).GetPublicAddress());
            Assert.Equal(10_000 * OneEther, balance.Value);
        }
    }

    [Fact]
    public async Task A_signed_transfer_is_mined_with_a_successful_receipt_and_moves_exactly_its_amount()
    {
        var sender = new Account(fixture.Chain.FundedKeys[1], fixture.Chain.Endpoint.ChainId);
        var web3 = new Web3(sender, fixture.Chain.Endpoint.RpcUrl);
        var recipient = EthECKey.GenerateKey().GetPublicAddress();
        var amount = OneEther * 3 / 2;

        var receipt = await web3.Eth.GetEtherTransferService()
            .TransferEtherAndWaitForReceiptAsync(recipient, 1.5m);

        Assert.Equal(new HexBigInteger(1).Value, receipt.Status.Value);
        Assert.Equal(sender.Address, receipt.From, StringComparer.OrdinalIgnoreCase);
        Assert.True(receipt.BlockNumber.Value > 0);
        var balance = await web3.Eth.GetBalance.SendRequestAsync(recipient);
        Assert.Equal(amount, balance.Value);
    }
}
