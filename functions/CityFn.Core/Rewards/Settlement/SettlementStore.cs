using System.Globalization;
using System.Text.Json;
using Azure;
using Azure.Data.Tables;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;
using CityFn.Core.Merkle;
using CityFn.Core.Storage;

namespace CityFn.Core.Rewards.Settlement;

/// <summary>
/// Settlement state in table <c>settlements</c> (PartitionKey <c>epoch</c>, RowKey the epoch as D10) and the
/// epoch's files in container <c>rewards</c>: <c>epoch=N/report.json</c> and <c>epoch=N/tree.json</c>
/// (the OpenZeppelin standard-v1 dump of the cumulative tree), and the empty <c>epoch=N/settle.lease</c> whose
/// lease a settlement run holds; each epoch's payouts also as rows of table <c>payouts</c> (<see cref="Payouts"/>).
/// </summary>
public sealed class SettlementStore(TableServiceClient tables, BlobServiceClient blobs)
{
    public const string TableName = "settlements";
    public const string ContainerName = "rewards";
    private const string Partition = "epoch";

    /// <summary>The per-account rows of each epoch's payouts, written with the report.</summary>
    public PayoutIndex Payouts { get; } = new(tables);

    public static string TreeBlobName(long epoch) => $"epoch={epoch}/tree.json";

    public static string ReportBlobName(long epoch) => $"epoch={epoch}/report.json";

    /// <summary>The empty blob a settlement run of the epoch leases, so that only one run settles it at a time.</summary>
    public static string LeaseBlobName(long epoch) => $"epoch={epoch}/settle.lease";

    /// <summary>
    /// Takes the epoch's settlement lease (held and renewed until disposed); throws <see cref="LeaseBusyException"/>
    /// when another run (the SettleEpoch timer or another <c>cityfn settle</c>) is settling the epoch.
    /// </summary>
    public async Task<BlobRunLease> LeaseEpochAsync(long epoch, CancellationToken cancellationToken = default)
    {
        var blob = (await ContainerAsync(cancellationToken)).GetBlobClient(LeaseBlobName(epoch));
        return await BlobRunLease.AcquireAsync(
            blob,
            $"Epoch {epoch} is being settled by another run (it holds the lease on {ContainerName}/{LeaseBlobName(epoch)}); run again when that run has finished.",
            createIfMissing: true,
            cancellationToken);
    }

    public async Task<SettlementState?> GetAsync(long epoch, CancellationToken cancellationToken = default)
    {
        var table = await TableAsync(cancellationToken);
        var entity = await table.GetEntityIfExistsAsync<TableEntity>(Partition, Key(epoch), cancellationToken: cancellationToken);
        return entity.HasValue ? FromEntity(entity.Value!) : null;
    }

    /// <summary>The newest <paramref name="max"/> epochs' states, newest first (the dashboard's epochs table).</summary>
    public async Task<IReadOnlyList<SettlementState>> ListRecentAsync(int max, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(max, 1);
        var table = await TableAsync(cancellationToken);
        var states = new List<SettlementState>();
        await foreach (var entity in table.QueryAsync<TableEntity>(e => e.PartitionKey == Partition, cancellationToken: cancellationToken))
        {
            states.Add(FromEntity(entity));
        }

        return [.. states.OrderByDescending(s => s.Epoch).Take(max)];
    }

    /// <summary>Stores a new state; false when the epoch already has one (another run computed it first).</summary>
    public async Task<bool> TryAddAsync(SettlementState state, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(state);
        var table = await TableAsync(cancellationToken);
        try
        {
            await table.AddEntityAsync(ToEntity(state), cancellationToken);
            return true;
        }
        catch (RequestFailedException exception) when (exception.Status == 409)
        {
            return false;
        }
    }

    public async Task SaveAsync(SettlementState state, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(state);
        var table = await TableAsync(cancellationToken);
        await table.UpsertEntityAsync(ToEntity(state), TableUpdateMode.Replace, cancellationToken);
    }

    public async Task WriteTreeAsync(long epoch, StandardMerkleTree tree, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(tree);
        using var buffer = new MemoryStream();
        tree.WriteDump(buffer);
        buffer.Position = 0;
        await UploadAsync(TreeBlobName(epoch), buffer, cancellationToken);
    }

    /// <summary>The epoch's tree (every node checked while loading), or null when it has none.</summary>
    public async Task<StandardMerkleTree?> ReadTreeAsync(long epoch, CancellationToken cancellationToken = default)
    {
        var blob = (await ContainerAsync(cancellationToken)).GetBlobClient(TreeBlobName(epoch));
        try
        {
            var content = await blob.DownloadStreamingAsync(cancellationToken: cancellationToken);
            await using var stream = content.Value.Content;
            using var copy = new MemoryStream();
            await stream.CopyToAsync(copy, cancellationToken);
            copy.Position = 0;
            return StandardMerkleTree.Load(copy);
        }
        catch (RequestFailedException exception) when (exception.Status == 404)
        {
            return null;
        }
    }

    public async Task WriteReportAsync(SettlementReport report, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(report);
        using var buffer = new MemoryStream();
        await JsonSerializer.SerializeAsync(buffer, report, SettlementJsonContext.Default.SettlementReport, cancellationToken);
        buffer.Position = 0;
        await UploadAsync(ReportBlobName(report.Epoch), buffer, cancellationToken);
    }

    public async Task<SettlementReport?> ReadReportAsync(long epoch, CancellationToken cancellationToken = default)
    {
        var blob = (await ContainerAsync(cancellationToken)).GetBlobClient(ReportBlobName(epoch));
        try
        {
            var content = await blob.DownloadStreamingAsync(cancellationToken: cancellationToken);
            await using var stream = content.Value.Content;
            return await JsonSerializer.DeserializeAsync(stream, SettlementJsonContext.Default.SettlementReport, cancellationToken);
        }
        catch (RequestFailedException exception) when (exception.Status == 404)
        {
            return null;
        }
    }

    /// <summary>
    /// The account's payouts in the given epochs, in their order (epochs that did not pay it are left out). An
    /// indexed epoch is one point read of <see cref="Payouts"/>; an epoch computed before the index existed, or
    /// whose row was written by an earlier computation of the epoch (another root), is read from its report.
    /// The reads run in parallel.
    /// </summary>
    public async Task<IReadOnlyList<EpochPayout>> PayoutsOfAsync(
        IReadOnlyList<SettlementState> states, string account, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(states);
        ArgumentException.ThrowIfNullOrEmpty(account);
        var found = await Task.WhenAll(states.Select(state => PayoutOfAsync(state, account, cancellationToken)));
        return [.. found.OfType<EpochPayout>()];
    }

    private async Task<EpochPayout?> PayoutOfAsync(SettlementState state, string account, CancellationToken cancellationToken)
    {
        if (state.PayoutsIndexed)
        {
            var row = await Payouts.GetAsync(state.Epoch, account, cancellationToken);
            if (row is null)
            {
                // The index holds every payout of the computation whose state this is: no row, no payout.
                return null;
            }

            if (row.Root == state.Root)
            {
                return new EpochPayout(state, row.Payout, FromIndex: true);
            }
        }

        var report = await ReadReportAsync(state.Epoch, cancellationToken);
        var payout = report?.Payouts.FirstOrDefault(p => string.Equals(p.Account, account, StringComparison.OrdinalIgnoreCase));
        return payout is null ? null : new EpochPayout(state, payout, FromIndex: false);
    }

    private async Task UploadAsync(string name, Stream content, CancellationToken cancellationToken)
    {
        var blob = (await ContainerAsync(cancellationToken)).GetBlobClient(name);
        await blob.UploadAsync(content, new BlobUploadOptions { HttpHeaders = new BlobHttpHeaders { ContentType = "application/json" } }, cancellationToken);
    }

    private static string Key(long epoch) => epoch.ToString("D10", CultureInfo.InvariantCulture);

    private static TableEntity ToEntity(SettlementState state) => new(Partition, Key(state.Epoch))
    {
        ["Status"] = state.Status.ToString(),
        ["Root"] = state.Root,
        ["EpochTotal"] = state.EpochTotal,
        ["LedgerDigest"] = state.LedgerDigest,
        ["Accounts"] = state.Accounts,
        ["ComputedAt"] = state.ComputedAt,
        ["TransactionHash"] = state.TransactionHash,
        ["Nonce"] = state.Nonce,
        ["SubmittedAt"] = state.SubmittedAt,
        ["Block"] = state.Block,
        ["GasUsed"] = state.GasUsed,
        ["ConfirmedAt"] = state.ConfirmedAt,
        ["PayoutsIndexed"] = state.PayoutsIndexed,
    };

    private static SettlementState FromEntity(TableEntity entity) => new(
        long.Parse(entity.RowKey, CultureInfo.InvariantCulture),
        Enum.Parse<SettlementStatus>(entity.GetString("Status")),
        entity.GetString("Root"),
        entity.GetString("EpochTotal"),
        entity.GetString("LedgerDigest"),
        entity.GetInt32("Accounts") ?? 0,
        entity.GetDateTimeOffset("ComputedAt") ?? DateTimeOffset.UnixEpoch,
        entity.GetString("TransactionHash"),
        entity.GetInt64("Nonce"),
        entity.GetDateTimeOffset("SubmittedAt"),
        entity.GetInt64("Block"),
        entity.GetInt64("GasUsed"),
        entity.GetDateTimeOffset("ConfirmedAt"),
        entity.GetBoolean("PayoutsIndexed") ?? false);

    private async Task<TableClient> TableAsync(CancellationToken cancellationToken)
    {
        var table = tables.GetTableClient(TableName);
        await table.CreateIfNotExistsAsync(cancellationToken);
        return table;
    }

    private async Task<BlobContainerClient> ContainerAsync(CancellationToken cancellationToken)
    {
        var container = blobs.GetBlobContainerClient(ContainerName);
        await container.CreateIfNotExistsAsync(cancellationToken: cancellationToken);
        return container;
    }
}
