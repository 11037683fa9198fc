using System.Globalization;
using Azure.Data.Tables;

namespace CityFn.Core.Rewards.Settlement;

/// <summary>
/// Table <c>payouts</c>: each epoch's payouts as rows (PartitionKey the epoch as D10, RowKey the account
/// 0x-lowercase; Data, Compute, Total, Cumulative in base units as the report has them; Root, the root of the
/// computation that wrote the row), so a contributor lookup reads one row per epoch instead of the epoch's
/// whole report.
/// Why the epoch is the partition (docs/rewards.md "Payout index"): a table transaction holds up to 100 rows of
/// ONE partition, so with one partition per epoch settlement writes 100k accounts as 1,000 transactions; with one
/// partition per account it would be 100k single writes. The lookup pays for it with one point read per recent
/// epoch (24, in parallel) instead of one partition query; a point read is the cheapest table request there is.
/// </summary>
public sealed class PayoutIndex(TableServiceClient tables)
{
    public const string TableName = "payouts";

    /// <summary>The most rows a table transaction may hold.</summary>
    private const int MaxTransaction = 100;

    /// <summary>
    /// Writes a row per payout of the report. Upserts (replace): a settlement that recomputes the epoch after a
    /// crash writes the same rows again. Rows of accounts the earlier computation paid and this one does not stay,
    /// with the earlier root: <see cref="SettlementStore.PayoutsOfAsync"/> only trusts rows with the epoch's root.
    /// </summary>
    public async Task WriteAsync(SettlementReport report, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(report);
        var table = tables.GetTableClient(TableName);
        await table.CreateIfNotExistsAsync(cancellationToken);
        var partition = Partition(report.Epoch);
        // One transaction at a time: Azurite refuses overlapping ones, and settlement is not latency-bound.
        foreach (var chunk in report.Payouts.DistinctBy(p => p.Account, StringComparer.Ordinal).Chunk(MaxTransaction))
        {
            await table.SubmitTransactionAsync(
                chunk.Select(p => new TableTransactionAction(TableTransactionActionType.UpsertReplace, ToEntity(partition, report.Root, p))),
                cancellationToken);
        }
    }

    /// <summary>The account's row of the epoch, or null when it has none (not paid, or the epoch was never indexed).</summary>
    public async Task<IndexedPayout?> GetAsync(long epoch, string account, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(account);
        var table = tables.GetTableClient(TableName);
        try
        {
            var entity = await table.GetEntityIfExistsAsync<TableEntity>(Partition(epoch), account.ToLowerInvariant(), cancellationToken: cancellationToken);
            return entity.HasValue ? FromEntity(entity.Value!) : null;
        }
        catch (Azure.RequestFailedException exception) when (exception.Status == 404)
        {
            // No table yet: nothing was settled since the index was introduced.
            return null;
        }
    }

    private static string Partition(long epoch) => epoch.ToString("D10", CultureInfo.InvariantCulture);

    private static TableEntity ToEntity(string partition, string root, ReportPayout payout) => new(partition, payout.Account)
    {
        ["Data"] = payout.Data,
        ["Compute"] = payout.Compute,
        ["Total"] = payout.Total,
        ["Cumulative"] = payout.Cumulative,
        ["Root"] = root,
    };

    private static IndexedPayout FromEntity(TableEntity entity) => new(
        new ReportPayout(entity.RowKey, entity.GetString("Data"), entity.GetString("Compute"), entity.GetString("Total"), entity.GetString("Cumulative")),
        entity.GetString("Root"));
}

/// <summary>A row of <see cref="PayoutIndex"/>: the payout and the root of the computation that wrote it.</summary>
public sealed record IndexedPayout(ReportPayout Payout, string Root);

/// <summary>An account's payout in one epoch and where it was read: the payout index, or the epoch's report.</summary>
public sealed record EpochPayout(SettlementState State, ReportPayout Payout, bool FromIndex);
