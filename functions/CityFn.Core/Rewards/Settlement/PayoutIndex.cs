using System.Globalization;
using Azure.Data.Tables;

namespace CityFn.Core.Rewards.Settlement;

/// <summary>
/// Table <c>payouts</c>: each epoch's payouts as rows, so a contributor lookup reads one row per epoch instead
/// of the epoch's whole report. PartitionKey <c>{epoch:D10}-{h}</c> (h: the account's first hex digit), RowKey
/// the account 0x-lowercase; Data, Compute, Total, Cumulative in base units as the report has them; Root, the
/// root of the computation that wrote the row.
/// Why this key (docs/rewards.md "Payout index"): a table transaction holds up to 100 rows of ONE partition. One
/// partition per account would make settlement 100k single writes for 100k accounts; the epoch as partition
/// allows transactions of 100 (1,000 for 100k accounts) but puts them all on one partition, whose throughput
/// target is about 2,000 rows/s in Azure; 16 partitions per epoch keep about the same number of transactions,
/// spread so that they can run side by side. The lookup knows the partition from the epoch and the account: one
/// point read per recent epoch (24, in parallel), the cheapest table request there is.
/// </summary>
public sealed class PayoutIndex(TableServiceClient tables)
{
    public const string TableName = "payouts";

    /// <summary>The most rows a table transaction may hold.</summary>
    private const int MaxTransaction = 100;

    /// <summary>Transactions in flight at once (each on its own partition).</summary>
    private const int Parallelism = 4;

    /// <summary>The partition of the account's row of the epoch.</summary>
    public static string PartitionOf(long epoch, string account)
    {
        ArgumentException.ThrowIfNullOrEmpty(account);
        if (account.Length < 3 || !account.StartsWith("0x", StringComparison.OrdinalIgnoreCase))
        {
            throw new ArgumentException($"'{account}' is not a 0x address.", nameof(account));
        }

        return string.Create(CultureInfo.InvariantCulture, $"{epoch:D10}-{char.ToLowerInvariant(account[2])}");
    }

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
        var partitions = report.Payouts
            .DistinctBy(p => p.Account, StringComparer.Ordinal)
            .Select(p => ToEntity(report.Epoch, report.Root, p))
            .GroupBy(e => e.PartitionKey, StringComparer.Ordinal);
        // A partition's transactions one after another, partitions side by side.
        await Parallel.ForEachAsync(
            partitions,
            new ParallelOptions { MaxDegreeOfParallelism = Parallelism, CancellationToken = cancellationToken },
            async (partition, ct) =>
            {
                foreach (var chunk in partition.Chunk(MaxTransaction))
                {
                    await table.SubmitTransactionAsync(chunk.Select(e => new TableTransactionAction(TableTransactionActionType.UpsertReplace, e)), ct);
                }
            });
    }

    /// <summary>The account's row of the epoch, or null when it has none (not paid, or the epoch was never indexed).</summary>
    public async Task<IndexedPayout?> GetAsync(long epoch, string account, CancellationToken cancellationToken = default)
    {
        var table = tables.GetTableClient(TableName);
        try
        {
            var entity = await table.GetEntityIfExistsAsync<TableEntity>(PartitionOf(epoch, account), account.ToLowerInvariant(), cancellationToken: cancellationToken);
            return entity.HasValue ? FromEntity(entity.Value!) : null;
        }
        catch (Azure.RequestFailedException exception) when (exception.Status == 404)
        {
            // No table yet: nothing was settled since the index was introduced.
            return null;
        }
    }

    private static TableEntity ToEntity(long epoch, string root, ReportPayout payout) => new(PartitionOf(epoch, payout.Account), payout.Account)
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
