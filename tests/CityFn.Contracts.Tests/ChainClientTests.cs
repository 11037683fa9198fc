using System.Numerics;
using CityFn.Contracts.RewardDistributor;
using CityFn.TestSupport;
using Nethereum.Web3;

namespace CityFn.Contracts.Tests;

[Collection(LocalChainCollection.Name)]
public sealed class ChainClientTests(LocalChainFixture fixture)
{
    [Fact]
    public async Task A_send_returns_only_once_the_transaction_has_the_configured_confirmations()
    {
        using var bed = await RewardTestBed.DeployAsync(fixture.Chain);
        using var client = RewardTestBed.ClientFor(
            fixture.Chain, keyIndex: 0, new ChainClientOptions { Confirmations = 3, PollInterval = TimeSpan.FromMilliseconds(20) });
        var web3 = new Web3(fixture.Chain.Endpoint.RpcUrl);

        var send = bed.ServiceFor(client).SetEpochCapAsync(42);
        var mined = 0;
        while (!send.IsCompleted && mined < 10)
        {
            // Hardhat automines only the transaction's own block; the confirmations come from these.
            await Task.WhenAny(send, Task.Delay(200));
            if (!send.IsCompleted)
            {
                await web3.Client.SendRequestAsync<string>("evm_mine");
                mined++;
            }
        }

        var receipt = await send;
        var latest = await web3.Eth.Blocks.GetBlockNumber.SendRequestAsync();
        // Without waiting it would have returned at once, before any block of ours was mined.
        Assert.True(mined >= 2, $"returned after {mined} extra block(s)");
        Assert.True(latest.Value >= receipt.BlockNumber.Value + 2, $"returned at block {latest.Value} for a receipt in block {receipt.BlockNumber.Value}");
    }

    [Fact]
    public async Task Concurrent_sends_from_one_client_are_serialised_with_consecutive_nonces()
    {
        using var bed = await RewardTestBed.DeployAsync(fixture.Chain);
        var web3 = new Web3(fixture.Chain.Endpoint.RpcUrl);

        var receipts = await Task.WhenAll(Enumerable.Range(1, 5).Select(cap => bed.Service.SetEpochCapAsync(cap)));

        var nonces = new List<BigInteger>();
        foreach (var receipt in receipts)
        {
            Assert.Equal(BigInteger.One, receipt.Status.Value);
            nonces.Add((await web3.Eth.Transactions.GetTransactionByHash.SendRequestAsync(receipt.TransactionHash)).Nonce.Value);
        }

        nonces.Sort();
        Assert.Equal(Enumerable.Range(0, 5).Select(i => nonces[0] + i), nonces);
    }

    [Fact]
    public async Task The_gas_limit_is_the_estimate_plus_the_configured_margin()
    {
        using var bed = await RewardTestBed.DeployAsync(fixture.Chain);
        var web3 = new Web3(fixture.Chain.Endpoint.RpcUrl);

        var receipt = await bed.Service.PublishRootAsync(1, System.Security.Cryptography.RandomNumberGenerator.GetBytes(32), 10);

        var transaction = await web3.Eth.Transactions.GetTransactionByHash.SendRequestAsync(receipt.TransactionHash);
        Assert.InRange(transaction.Gas.Value, receipt.GasUsed.Value * 120 / 100, receipt.GasUsed.Value * 130 / 100);
    }

    [Fact]
    public async Task A_reverting_send_is_refused_at_estimation_and_spends_no_nonce()
    {
        using var bed = await RewardTestBed.DeployAsync(fixture.Chain);
        var web3 = new Web3(fixture.Chain.Endpoint.RpcUrl);
        var nonceBefore = await web3.Eth.Transactions.GetTransactionCount.SendRequestAsync(bed.Client.Address);

        var exception = await Assert.ThrowsAsync<ContractRevertedException>(
            () => bed.Service.PublishRootAsync(2, System.Security.Cryptography.RandomNumberGenerator.GetBytes(32), 10));

        Assert.IsType<EpochNotConsecutiveError>(exception.Error);
        Assert.StartsWith($"publishRoot on {bed.Service.Contracts.DistributorAddress} reverted with", exception.Message, StringComparison.Ordinal);
        Assert.Equal(nonceBefore.Value, (await web3.Eth.Transactions.GetTransactionCount.SendRequestAsync(bed.Client.Address)).Value);
    }

    [Fact]
    public async Task A_cancelled_send_stops_waiting_and_throws_OperationCanceledException()
    {
        using var bed = await RewardTestBed.DeployAsync(fixture.Chain);
        using var client = RewardTestBed.ClientFor(fixture.Chain, keyIndex: 0, new ChainClientOptions { Confirmations = 1000 });
        using var cancellation = new CancellationTokenSource(TimeSpan.FromMilliseconds(500));

        await Assert.ThrowsAnyAsync<OperationCanceledException>(
            () => bed.ServiceFor(client).SetEpochCapAsync(7, cancellation.Token));
    }
}
