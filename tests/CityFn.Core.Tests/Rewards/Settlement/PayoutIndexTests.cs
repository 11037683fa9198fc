using System.Globalization;
using Azure.Data.Tables;
using CityFn.Core.Rewards.Settlement;
using CityFn.TestSupport;

namespace CityFn.Core.Tests.Rewards.Settlement;

[Collection(SettlementCollection.Name)]
public sealed class PayoutIndexTests(AzuriteFixture azurite, LocalChainFixture chain)
{
    [Fact]
    public async Task Settling_an_epoch_writes_one_index_row_per_payout_equal_to_the_report()
    {
        using var bed = await SettlementBed.CreateAsync(azurite, chain);
        var first = bed.FirstEpoch;
        var owner = await bed.AddDeviceAsync(first, accepted: 60);
        await bed.AddDeviceAsync(first + 1, accepted: 60, owner);
        await bed.AddDeviceAsync(first + 1, accepted: 30);
        var stage = bed.Stage();

        await stage.SettleAsync(first);
        var outcome = await stage.SettleAsync(first + 1);

        var report = await bed.Store.ReadReportAsync(first + 1);
        Assert.True(outcome.State.PayoutsIndexed);
        Assert.Contains(outcome.Steps, s => s.Step == "write-index");
        // The owner's cumulative (1000 + 666.67 tokens) differs from its epoch total: both columns are checked.
        Assert.Equal(Sorted(report!.Payouts), await RowsAsync(bed, first + 1, report.Root));
        Assert.Equal(2, report.Payouts.Count);
        Assert.Single(await RowsAsync(bed, first, (await bed.Store.ReadReportAsync(first))!.Root));
    }

    [Fact]
    public async Task Recomputing_an_epoch_with_late_ledger_rows_rewrites_its_index_rows_to_the_new_report()
    {
        using var bed = await SettlementBed.CreateAsync(azurite, chain);
        var epoch = bed.FirstEpoch;
        await bed.AddDeviceAsync(epoch, accepted: 60);
        var crashing = bed.Stage((checkpoint, _, _) =>
            checkpoint == SettlementCheckpoint.Computed ? throw new SimulatedCrashException() : Task.CompletedTask);
        await Assert.ThrowsAsync<SimulatedCrashException>(() => crashing.SettleAsync(epoch));
        var firstRows = await RowsAsync(bed, epoch, (await bed.Store.GetAsync(epoch))!.Root);
        // A run that crashed after writing blobs and index but before saving its state: the rerun computes again.
        await bed.Tables.GetTableClient(SettlementStore.TableName).DeleteEntityAsync("epoch", epoch.ToString("D10", CultureInfo.InvariantCulture));
        await bed.AddDeviceAsync(epoch, accepted: 60);

        var outcome = await bed.Stage().SettleAsync(epoch);
        var report = await bed.Store.ReadReportAsync(epoch);
        var rows = await RowsAsync(bed, epoch, outcome.State.Root);

        Assert.Equal(SettlementStatus.Confirmed, outcome.State.Status);
        Assert.Single(firstRows);
        Assert.Equal("1000000000000000000000", firstRows[0].Total);
        Assert.Equal(Sorted(report!.Payouts), rows);
        Assert.All(rows, r => Assert.Equal("500000000000000000000", r.Total));
    }

    [Fact]
    public async Task Writing_an_epochs_index_again_leaves_the_same_rows()
    {
        using var bed = await SettlementBed.CreateAsync(azurite, chain);
        var epoch = bed.FirstEpoch;
        await bed.AddDeviceAsync(epoch, accepted: 60);
        await bed.AddDeviceAsync(epoch, accepted: 20);
        await bed.Stage().SettleAsync(epoch);
        var report = await bed.Store.ReadReportAsync(epoch);
        var before = await RowsAsync(bed, epoch, report!.Root);

        await bed.Store.Payouts.WriteAsync(report);

        Assert.Equal(before, await RowsAsync(bed, epoch, report.Root));
        Assert.Equal(Sorted(report.Payouts), before);
    }

    [Fact]
    public async Task A_lookup_reads_indexed_epochs_from_the_index_with_the_payouts_of_their_reports()
    {
        using var bed = await SettlementBed.CreateAsync(azurite, chain);
        var first = bed.FirstEpoch;
        var owner = await bed.AddDeviceAsync(first, accepted: 60);
        await bed.AddDeviceAsync(first + 1, accepted: 60, owner);
        await bed.AddDeviceAsync(first + 1, accepted: 60);
        await bed.AddDeviceAsync(first + 2, accepted: 60);
        var stage = bed.Stage();
        await stage.SettleAsync(first);
        await stage.SettleAsync(first + 1);
        await stage.SettleAsync(first + 2);
        var states = new[] { (await bed.Store.GetAsync(first + 2))!, (await bed.Store.GetAsync(first + 1))!, (await bed.Store.GetAsync(first))! };
        var account = owner.GetPublicAddress().ToLowerInvariant();

        var fromIndex = await bed.Store.PayoutsOfAsync(states, account);
        // The same epochs as they were read before the index existed: from each report.
        var fromReports = await bed.Store.PayoutsOfAsync([.. states.Select(s => s with { PayoutsIndexed = false })], account);

        Assert.Equal([first + 1, first], fromIndex.Select(p => p.State.Epoch));
        Assert.All(fromIndex, p => Assert.True(p.FromIndex));
        Assert.All(fromReports, p => Assert.False(p.FromIndex));
        Assert.Equal(fromReports.Select(p => (p.State.Epoch, p.Payout)), fromIndex.Select(p => (p.State.Epoch, p.Payout)));
        Assert.Equal(
            new ReportPayout(account, "500000000000000000000", "0", "500000000000000000000", "1500000000000000000000"),
            fromIndex[0].Payout);
        Assert.Equal(SettlementStatus.Confirmed, fromIndex[0].State.Status);
    }

    [Fact]
    public async Task An_epoch_settled_before_the_index_existed_or_with_a_row_of_another_root_is_read_from_its_report()
    {
        using var bed = await SettlementBed.CreateAsync(azurite, chain);
        var epoch = bed.FirstEpoch;
        var owner = await bed.AddDeviceAsync(epoch, accepted: 60);
        await bed.Stage().SettleAsync(epoch);
        var account = owner.GetPublicAddress().ToLowerInvariant();
        var indexed = (await bed.Store.GetAsync(epoch))!;
        var payouts = bed.Tables.GetTableClient(PayoutIndex.TableName);
        var partition = PayoutIndex.PartitionOf(epoch, account);

        // As settlement left it before the index: no rows, a state without the flag.
        await payouts.DeleteEntityAsync(partition, account);
        await bed.Store.SaveAsync(indexed with { PayoutsIndexed = false });
        var legacy = await bed.Store.PayoutsOfAsync([(await bed.Store.GetAsync(epoch))!], account);
        // A row left by an earlier computation of the epoch (another root) is not trusted either.
        await payouts.UpsertEntityAsync(new TableEntity(partition, account)
        {
            ["Data"] = "1", ["Compute"] = "0", ["Total"] = "1", ["Cumulative"] = "1", ["Root"] = "0x" + new string('0', 64),
        });
        var stale = await bed.Store.PayoutsOfAsync([indexed], account);
        var unpaid = await bed.Store.PayoutsOfAsync([indexed], "0x" + new string('1', 40));

        var expected = new ReportPayout(account, "1000000000000000000000", "0", "1000000000000000000000", "1000000000000000000000");
        Assert.Equal(expected, Assert.Single(legacy).Payout);
        Assert.False(legacy[0].FromIndex);
        Assert.Equal(expected, Assert.Single(stale).Payout);
        Assert.False(stale[0].FromIndex);
        Assert.Empty(unpaid);
    }

    private static List<ReportPayout> Sorted(IEnumerable<ReportPayout> payouts) =>
        [.. payouts.OrderBy(p => p.Account, StringComparer.Ordinal)];

    /// <summary>The epoch's index rows (in account order), checking each carries <paramref name="root"/>.</summary>
    private static async Task<List<ReportPayout>> RowsAsync(SettlementBed bed, long epoch, string root)
    {
        // The epoch's 16 partitions: "{epoch:D10}-0" to "{epoch:D10}-f".
        var prefix = epoch.ToString("D10", CultureInfo.InvariantCulture) + "-";
        var filter = TableClient.CreateQueryFilter($"PartitionKey ge {prefix} and PartitionKey lt {prefix + "~"}");
        var rows = new List<ReportPayout>();
        await foreach (var entity in bed.Tables.GetTableClient(PayoutIndex.TableName).QueryAsync<TableEntity>(filter))
        {
            Assert.Equal(root, entity.GetString("Root"));
            rows.Add(new ReportPayout(entity.RowKey, entity.GetString("Data"), entity.GetString("Compute"), entity.GetString("Total"), entity.GetString("Cumulative")));
        }

        return Sorted(rows);
    }

    private sealed class SimulatedCrashException() : Exception("simulated crash");
}
