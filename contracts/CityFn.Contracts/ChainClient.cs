using System.Numerics;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Nethereum.Contracts;
using Nethereum.Contracts.CQS;
using Nethereum.Hex.HexTypes;
using Nethereum.RPC.Eth.DTOs;
using Nethereum.Web3;
using Nethereum.Web3.Accounts;

namespace CityFn.Contracts;

/// <summary>
/// One sender key on one chain. Sends are serialised (one transaction in flight per client, nonce
/// taken from the node's pending count), gas is estimated with a margin, and a send returns once
/// the transaction has the configured number of confirmations. Reverts surface as
/// <see cref="ContractRevertedException"/> carrying the decoded custom error.
/// </summary>
public sealed class ChainClient : IDisposable
{
    private readonly Web3 _web3;
    private readonly ChainClientOptions _options;
    private readonly TimeProvider _timeProvider;
    private readonly ILogger _logger;
    private readonly SemaphoreSlim _sendLock = new(1, 1);

    /// <summary>A client that signs with <paramref name="privateKey"/> (0x hex; kept in memory only, never logged).</summary>
    public ChainClient(
        string rpcUrl, string privateKey, long chainId, ChainClientOptions? options = null,
        TimeProvider? timeProvider = null, ILogger<ChainClient>? logger = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(rpcUrl);
        ArgumentException.ThrowIfNullOrWhiteSpace(privateKey);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(chainId);
        _options = options ?? new ChainClientOptions();
        ArgumentOutOfRangeException.ThrowIfLessThan(_options.Confirmations, 1, nameof(options));
        _timeProvider = timeProvider ?? TimeProvider.System;
        _logger = logger ?? NullLogger<ChainClient>.Instance;
        var account = new Account(privateKey, chainId);
        _web3 = new Web3(account, rpcUrl);
        Address = account.Address;
        ChainId = chainId;
    }

    /// <summary>
    /// A client for reads only (balances, roots, claimed amounts): it signs with a throwaway key generated
    /// here, which holds no funds, so any send it tried would fail for lack of gas.
    /// </summary>
    public static ChainClient ReadOnly(string rpcUrl, long chainId, ChainClientOptions? options = null) =>
        new(rpcUrl, Nethereum.Signer.EthECKey.GenerateKey().GetPrivateKey(), chainId, options);

    /// <summary>The sender's address (checksummed).</summary>
    public string Address { get; }

    public long ChainId { get; }

    /// <summary>How this client sends and confirms.</summary>
    public ChainClientOptions Options => _options;

    /// <summary>The underlying Nethereum client, for reads this class does not wrap.</summary>
    public IWeb3 Web3 => _web3;

    /// <summary>Deploys a contract and returns its confirmed receipt (ContractAddress is set).</summary>
    public async Task<TransactionReceipt> DeployAsync<TDeployment>(TDeployment deployment, CancellationToken cancellationToken = default)
        where TDeployment : ContractDeploymentMessage, new()
    {
        ArgumentNullException.ThrowIfNull(deployment);
        var operation = $"deployment of {typeof(TDeployment).Name}";
        var handler = _web3.Eth.GetContractDeploymentHandler<TDeployment>();
        return await SendSerialisedAsync(
            operation,
            deployment,
            () => handler.EstimateGasAsync(deployment),
            () => handler.SendRequestAsync(deployment),
            replay: null,
            cancellationToken);
    }

    /// <summary>Sends <paramref name="function"/> to <paramref name="contractAddress"/> and returns its confirmed receipt.</summary>
    public Task<TransactionReceipt> SendAsync<TFunction>(string contractAddress, TFunction function, CancellationToken cancellationToken = default)
        where TFunction : FunctionMessage, new() =>
        SendAsync(contractAddress, function, onSent: null, cancellationToken);

    /// <summary>
    /// Sends <paramref name="function"/> and returns its confirmed receipt; <paramref name="onSent"/> runs with the
    /// transaction hash and nonce as soon as the node accepted it, before waiting for confirmations, so a caller
    /// can persist "submitted" first (a crash while waiting then knows what to look for).
    /// </summary>
    public async Task<TransactionReceipt> SendAsync<TFunction>(
        string contractAddress, TFunction function, Func<SentTransaction, CancellationToken, Task>? onSent, CancellationToken cancellationToken = default)
        where TFunction : FunctionMessage, new()
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(contractAddress);
        ArgumentNullException.ThrowIfNull(function);
        var operation = $"{FunctionName<TFunction>()} on {contractAddress}";
        var handler = _web3.Eth.GetContractTransactionHandler<TFunction>();
        return await SendSerialisedAsync(
            operation,
            function,
            () => handler.EstimateGasAsync(contractAddress, function),
            () => handler.SendRequestAsync(contractAddress, function),
            replay: block => _web3.Eth.GetContractQueryHandler<TFunction>().QueryRawAsync(contractAddress, function, block),
            cancellationToken,
            onSent);
    }

    /// <summary>
    /// Waits until an already sent transaction has <see cref="ChainClientOptions.Confirmations"/> and returns its
    /// receipt (whatever its status), or throws <see cref="TimeoutException"/> after <see cref="ChainClientOptions.ConfirmationTimeout"/>.
    /// </summary>
    public Task<TransactionReceipt> WaitForReceiptAsync(string transactionHash, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(transactionHash);
        return WaitForConfirmationsAsync($"transaction {transactionHash}", transactionHash, cancellationToken);
    }

    /// <summary>How many transactions this client's key has sent: mined only (latest) or also those waiting in the pool (pending).</summary>
    public async Task<BigInteger> GetTransactionCountAsync(bool includePending, CancellationToken cancellationToken = default)
    {
        var block = includePending ? BlockParameter.CreatePending() : BlockParameter.CreateLatest();
        var count = await _web3.Eth.Transactions.GetTransactionCount.SendRequestAsync(Address, block).WaitAsync(cancellationToken);
        return count.Value;
    }

    /// <summary>Calls a view function (eth_call) and decodes its single return value.</summary>
    public async Task<TReturn> CallAsync<TFunction, TReturn>(string contractAddress, TFunction function, CancellationToken cancellationToken = default)
        where TFunction : FunctionMessage, new()
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(contractAddress);
        ArgumentNullException.ThrowIfNull(function);
        function.FromAddress ??= Address;
        var query = _web3.Eth.GetContractQueryHandler<TFunction>();
        return await WithRevertDecodingAsync(
            $"{FunctionName<TFunction>()} on {contractAddress}",
            () => query.QueryAsync<TReturn>(contractAddress, function).WaitAsync(cancellationToken));
    }

    /// <summary>The timestamp of the latest block (what block.timestamp was in it).</summary>
    public async Task<BigInteger> GetLatestBlockTimestampAsync(CancellationToken cancellationToken = default)
    {
        var block = await _web3.Eth.Blocks.GetBlockWithTransactionsHashesByNumber
            .SendRequestAsync(BlockParameter.CreateLatest()).WaitAsync(cancellationToken);
        return block.Timestamp.Value;
    }

    public void Dispose() => _sendLock.Dispose();

    private async Task<TransactionReceipt> SendSerialisedAsync(
        string operation,
        ContractMessageBase message,
        Func<Task<HexBigInteger>> estimateGas,
        Func<Task<string>> send,
        Func<BlockParameter, Task<string>>? replay,
        CancellationToken cancellationToken,
        Func<SentTransaction, CancellationToken, Task>? onSent = null)
    {
        // One transaction at a time: the next estimate then sees the state the previous one left,
        // and the pending nonce the node reports is never raced by another send of ours.
        await _sendLock.WaitAsync(cancellationToken);
        try
        {
            message.FromAddress = Address;
            message.Gas = null;
            var estimate = await WithRevertDecodingAsync(operation, () => estimateGas().WaitAsync(cancellationToken));
            message.Gas = new HexBigInteger(estimate.Value * (100 + _options.GasMarginPercent) / 100);
            message.Nonce = await _web3.Eth.Transactions.GetTransactionCount
                .SendRequestAsync(Address, BlockParameter.CreatePending()).WaitAsync(cancellationToken);
            var transactionHash = await WithRevertDecodingAsync(operation, () => send().WaitAsync(cancellationToken));
            ChainClientLog.TransactionSent(_logger, operation, transactionHash, message.Nonce.Value, message.Gas.Value);
            if (onSent is not null)
            {
                await onSent(new SentTransaction(transactionHash, message.Nonce.Value), cancellationToken);
            }

            var receipt = await WaitForConfirmationsAsync(operation, transactionHash, cancellationToken);
            if (receipt.Status?.Value == 1)
            {
                ChainClientLog.TransactionConfirmed(_logger, operation, transactionHash, receipt.BlockNumber.Value, receipt.GasUsed.Value);
                return receipt;
            }

            ChainClientLog.TransactionFailed(_logger, operation, transactionHash, receipt.BlockNumber.Value);

            throw await RevertedReceiptExceptionAsync(operation, receipt, replay, cancellationToken);
        }
        finally
        {
            _sendLock.Release();
        }
    }

    private async Task<TransactionReceipt> WaitForConfirmationsAsync(string operation, string transactionHash, CancellationToken cancellationToken)
    {
        var deadline = _timeProvider.GetUtcNow() + _options.ConfirmationTimeout;
        while (true)
        {
            var receipt = await _web3.Eth.Transactions.GetTransactionReceipt
                .SendRequestAsync(transactionHash).WaitAsync(cancellationToken);
            if (receipt is not null)
            {
                var latest = await _web3.Eth.Blocks.GetBlockNumber.SendRequestAsync().WaitAsync(cancellationToken);
                if (latest.Value - receipt.BlockNumber.Value + 1 >= _options.Confirmations)
                {
                    return receipt;
                }
            }

            if (_timeProvider.GetUtcNow() > deadline)
            {
                throw new TimeoutException(
                    $"{operation}: transaction {transactionHash} did not reach {_options.Confirmations} confirmation(s) within {_options.ConfirmationTimeout}.");
            }

            await Task.Delay(_options.PollInterval, _timeProvider, cancellationToken);
        }
    }

    /// <summary>
    /// A mined transaction failed (status 0). Estimation normally catches reverts before sending; this
    /// happens when another transaction changed the state in between. That change is in the state after
    /// the receipt's block, so the call is replayed there to learn why.
    /// </summary>
    private static async Task<Exception> RevertedReceiptExceptionAsync(
        string operation, TransactionReceipt receipt, Func<BlockParameter, Task<string>>? replay, CancellationToken cancellationToken)
    {
        var what = $"{operation} (transaction {receipt.TransactionHash}, block {receipt.BlockNumber.Value})";
        if (replay is not null)
        {
            try
            {
                await replay(new BlockParameter(receipt.BlockNumber)).WaitAsync(cancellationToken);
            }
            catch (Exception exception) when (RevertData.TryExtract(exception, out var data))
            {
                return new ContractRevertedException(what, data, exception);
            }
        }

        return new ContractRevertedException(what, "0x");
    }

    private static async Task<T> WithRevertDecodingAsync<T>(string operation, Func<Task<T>> action)
    {
        try
        {
            return await action();
        }
        catch (Exception exception) when (RevertData.TryExtract(exception, out var data))
        {
            throw new ContractRevertedException(operation, data, exception);
        }
    }

    private static string FunctionName<TFunction>() =>
        (Attribute.GetCustomAttribute(typeof(TFunction), typeof(Nethereum.ABI.FunctionEncoding.Attributes.FunctionAttribute))
            as Nethereum.ABI.FunctionEncoding.Attributes.FunctionAttribute)?.Name ?? typeof(TFunction).Name;
}
