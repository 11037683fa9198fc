using System.Numerics;
using Microsoft.Extensions.Logging;

namespace CityFn.Contracts;

/// <summary>What a <see cref="ChainClient"/> logs: every transaction it sends and how it ended (never keys).</summary>
internal static partial class ChainClientLog
{
    [LoggerMessage(Level = LogLevel.Information, Message = "Sent {Operation}: transaction {TransactionHash}, nonce {Nonce}, gas limit {GasLimit}")]
    public static partial void TransactionSent(ILogger logger, string operation, string transactionHash, BigInteger nonce, BigInteger gasLimit);

    [LoggerMessage(Level = LogLevel.Information, Message = "Confirmed {Operation}: transaction {TransactionHash} in block {BlockNumber}, gas used {GasUsed}")]
    public static partial void TransactionConfirmed(ILogger logger, string operation, string transactionHash, BigInteger blockNumber, BigInteger gasUsed);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Failed {Operation}: transaction {TransactionHash} reverted in block {BlockNumber}")]
    public static partial void TransactionFailed(ILogger logger, string operation, string transactionHash, BigInteger blockNumber);
}
