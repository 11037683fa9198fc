using Microsoft.Extensions.Logging;

namespace CityFn.Core.Rewards.Settlement;

internal static partial class SettlementLog
{
    [LoggerMessage(Level = LogLevel.Information, Message = "Epoch {Epoch} computed: root {Root}, epoch total {EpochTotal}, {Accounts} accounts, ledger digest {LedgerDigest}")]
    public static partial void Computed(ILogger logger, long epoch, string root, string epochTotal, int accounts, string ledgerDigest);

    [LoggerMessage(Level = LogLevel.Information, Message = "Epoch {Epoch} submitted: transaction {TransactionHash}")]
    public static partial void Submitted(ILogger logger, long epoch, string transactionHash);

    [LoggerMessage(Level = LogLevel.Information, Message = "Epoch {Epoch} confirmed in block {Block}")]
    public static partial void Confirmed(ILogger logger, long epoch, long? block);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Epoch {Epoch}: its root is already on-chain (transaction {TransactionHash}); recording it instead of publishing again")]
    public static partial void FoundOnChain(ILogger logger, long epoch, string? transactionHash);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Epoch {Epoch}: a transaction of the settlement key is still pending; waiting for it before deciding to publish")]
    public static partial void WaitingForPending(ILogger logger, long epoch);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Epoch {Epoch}: transaction {TransactionHash} was dropped or failed and the root is not on-chain; publishing again")]
    public static partial void Republishing(ILogger logger, long epoch, string? transactionHash);

    [LoggerMessage(Level = LogLevel.Warning, Message = "No settlement: Chain__DistributorAddress is not set (deploy the contracts with `cityfn chain deploy` and set it)")]
    public static partial void NoDistributor(ILogger logger);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Not settling now: {Reason} The next timer run continues")]
    public static partial void EpochBusy(ILogger logger, string reason);

    [LoggerMessage(Level = LogLevel.Information, Message = "Settling due epochs {First} to {Last}")]
    public static partial void SettlingDue(ILogger logger, long first, long last);
}
