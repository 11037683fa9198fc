using System.Globalization;
using System.Numerics;
using CityFn.Contracts;
using CityFn.Contracts.RewardDistributor;
using CityFn.Core.Devices;
using CityFn.Core.Merkle;
using CityFn.Core.Ethereum;
using CityFn.Core.Rewards.Ledger;
using CityFn.Core.Rewards.Settlement;
using CityFn.Core.Storage;
using CityFn.TestSupport;
using Microsoft.Extensions.Time.Testing;
using Nethereum.Contracts;
using Nethereum.Signer;

namespace CityFn.Core.Tests.Rewards.Settlement;

[Collection(SettlementCollection.Name)]
public sealed class SettlementStageTests(AzuriteFixture azurite, LocalChainFixture chain)
{
    [Fact]
    public async Task An_epoch_settles_to_confirmed_with_its_report_and_tree_in_blob_and_its_root_on_chain()
    {
        using var bed = await SettlementBed.CreateAsync(azurite, chain);
        var epoch = bed.FirstEpoch;
        var full = await bed.AddDeviceAsync(epoch, accepted: 60);
        var half = await bed.AddDeviceAsync(epoch, accepted: 30);

        var outcome = await bed.Stage().SettleAsync(epoch);

        Assert.Equal(SettlementStatus.Confirmed, outcome.State.Status);
        var report = await bed.Store.ReadReportAsync(epoch);
        var tree = await bed.Store.ReadTreeAsync(epoch);
        Assert.NotNull(report);
        Assert.NotNull(tree);
        // No compute contributors: the whole pool goes to data, split 2:1 by accepted samples.
        Assert.Equal((1_000 * SettlementBed.Token).ToString(CultureInfo.InvariantCulture), report.EpochTotal);
        Assert.Equal("666666666666666666667", AmountOf(report, full.GetPublicAddress()));
        Assert.Equal("333333333333333333333", AmountOf(report, half.GetPublicAddress()));
        Assert.Equal(tree.RootHex, report.Root);
        Assert.Equal(tree.RootHex, Hex(await bed.Deployer.GetRootAsync(epoch)));
        Assert.Equal(1_000 * SettlementBed.Token, await bed.Deployer.GetTotalPublishedAsync());
        Assert.NotNull(outcome.State.TransactionHash);
        Assert.True(outcome.State.GasUsed > 0);
    }

    [Fact]
    public async Task A_contributor_claims_the_settled_amount_with_the_proof_from_the_stored_tree()
    {
        using var bed = await SettlementBed.CreateAsync(azurite, chain);
        var owner = await bed.AddDeviceAsync(bed.FirstEpoch, accepted: 60);
        await bed.Stage().SettleAsync(bed.FirstEpoch);

        var rewards = await bed.Rewards().GetAsync(EthAddress.Parse(owner.GetPublicAddress()));
        await bed.DistributorFor(1).ClaimAsync(new RewardClaim(
            owner.GetPublicAddress(), BigInteger.Parse(rewards.Cumulative, CultureInfo.InvariantCulture), bed.FirstEpoch,
            [.. rewards.Proof.Select(p => Convert.FromHexString(p.AsSpan(2)))]));
        var after = await bed.Rewards().GetAsync(EthAddress.Parse(owner.GetPublicAddress()));

        Assert.Equal(1_000 * SettlementBed.Token, await bed.Deployer.GetTokenBalanceAsync(owner.GetPublicAddress()));
        Assert.Equal("1000000000000000000000", rewards.Claimable);
        Assert.Equal(bed.FirstEpoch, after.LatestEpoch);
        Assert.Equal(rewards.Cumulative, after.ClaimedOnChain);
        Assert.Equal("0", after.Claimable);
    }

    [Fact]
    public async Task A_second_epoch_adds_its_payouts_to_the_cumulative_totals()
    {
        using var bed = await SettlementBed.CreateAsync(azurite, chain);
        var first = bed.FirstEpoch;
        var owner = await bed.AddDeviceAsync(first, accepted: 60);
        await bed.AddDeviceAsync(first + 1, accepted: 60, owner);
        var newcomer = await bed.AddDeviceAsync(first + 1, accepted: 60);
        var stage = bed.Stage();

        await stage.SettleAsync(first);
        await stage.SettleAsync(first + 1);

        var tree = await bed.Store.ReadTreeAsync(first + 1);
        Assert.Equal(1_500 * SettlementBed.Token, tree!.Values[tree.IndexOf(EthAddress.Parse(owner.GetPublicAddress()))].Amount);
        Assert.Equal(500 * SettlementBed.Token, tree.Values[tree.IndexOf(EthAddress.Parse(newcomer.GetPublicAddress()))].Amount);
        var report = await bed.Store.ReadReportAsync(first + 1);
        Assert.Equal(first, report!.PreviousEpoch);
        Assert.Equal(2_000 * SettlementBed.Token, await bed.Deployer.GetTotalPublishedAsync());
        Assert.Equal(tree.RootHex, Hex(await bed.Deployer.GetRootAsync(first + 1)));
    }

    [Theory]
    [InlineData(SettlementCheckpoint.Computed)]
    [InlineData(SettlementCheckpoint.Sent)]
    [InlineData(SettlementCheckpoint.Submitted)]
    [InlineData(SettlementCheckpoint.Confirmed)]
    public async Task A_run_stopped_after_a_step_is_finished_by_the_next_run_which_publishes_once(SettlementCheckpoint stopAfter)
    {
        using var bed = await SettlementBed.CreateAsync(azurite, chain);
        var epoch = bed.FirstEpoch;
        await bed.AddDeviceAsync(epoch, accepted: 45);
        var crashing = bed.Stage((checkpoint, _, _) =>
            checkpoint == stopAfter ? throw new SimulatedCrashException() : Task.CompletedTask);

        await Assert.ThrowsAsync<SimulatedCrashException>(() => crashing.SettleAsync(epoch));
        var stateAfterCrash = await bed.Store.GetAsync(epoch);
        var outcome = await bed.Stage().SettleAsync(epoch);

        Assert.Equal(stopAfter switch
        {
            SettlementCheckpoint.Computed or SettlementCheckpoint.Sent => SettlementStatus.Computed,
            SettlementCheckpoint.Submitted => SettlementStatus.Submitted,
            _ => SettlementStatus.Confirmed,
        }, stateAfterCrash!.Status);
        Assert.Equal(SettlementStatus.Confirmed, outcome.State.Status);
        Assert.Equal(stateAfterCrash.Root, outcome.State.Root);
        Assert.Equal(outcome.State.Root, Hex(await bed.Deployer.GetRootAsync(epoch)));
        Assert.Single(await RootPublishedLogsAsync(bed, epoch));
        Assert.Equal(1_000 * SettlementBed.Token, await bed.Deployer.GetTotalPublishedAsync());
        Assert.Equal((await RootPublishedLogsAsync(bed, epoch))[0].Log.TransactionHash, outcome.State.TransactionHash);
    }

    [Fact]
    public async Task A_computed_root_is_kept_even_when_late_ledger_rows_arrive_before_the_rerun()
    {
        using var bed = await SettlementBed.CreateAsync(azurite, chain);
        var epoch = bed.FirstEpoch;
        await bed.AddDeviceAsync(epoch, accepted: 60);
        var crashing = bed.Stage((checkpoint, _, _) =>
            checkpoint == SettlementCheckpoint.Computed ? throw new SimulatedCrashException() : Task.CompletedTask);
        await Assert.ThrowsAsync<SimulatedCrashException>(() => crashing.SettleAsync(epoch));
        var computed = await bed.Store.GetAsync(epoch);

        await bed.AddDeviceAsync(epoch, accepted: 60);
        var outcome = await bed.Stage().SettleAsync(epoch);

        Assert.Equal(computed!.Root, outcome.State.Root);
        Assert.Equal(computed.Root, (await bed.Store.ReadTreeAsync(epoch))!.RootHex);
    }

    [Fact]
    public async Task Another_root_already_on_chain_for_the_epoch_stops_settlement_without_publishing()
    {
        using var bed = await SettlementBed.CreateAsync(azurite, chain);
        var epoch = bed.FirstEpoch;
        await bed.AddDeviceAsync(epoch, accepted: 60);
        var crashing = bed.Stage((checkpoint, _, _) =>
            checkpoint == SettlementCheckpoint.Computed ? throw new SimulatedCrashException() : Task.CompletedTask);
        await Assert.ThrowsAsync<SimulatedCrashException>(() => crashing.SettleAsync(epoch));
        var foreign = StandardMerkleTree.Of([new RewardLeaf(EthAddress.Parse(SettlementBed.ClientFor(chain, 3).Address), 5)]);
        await bed.Deployer.PublishRootAsync(epoch, foreign.Root.ToArray(), 5);

        var error = await Assert.ThrowsAsync<SettlementConflictException>(() => bed.Stage().SettleAsync(epoch));

        Assert.Contains(foreign.RootHex, error.Message, StringComparison.Ordinal);
        Assert.Equal(SettlementStatus.Computed, (await bed.Store.GetAsync(epoch))!.Status);
    }

    [Fact]
    public async Task An_epoch_is_refused_before_its_previous_epoch_is_settled_or_before_it_has_ended()
    {
        using var bed = await SettlementBed.CreateAsync(azurite, chain);
        var stage = bed.Stage();

        var skipped = await Assert.ThrowsAsync<InvalidOperationException>(() => stage.SettleAsync(bed.FirstEpoch + 1));
        var running = await Assert.ThrowsAsync<InvalidOperationException>(() => stage.SettleAsync(bed.Clock.EpochOf(bed.Time.GetUtcNow())));

        Assert.Contains($"settle epoch {bed.FirstEpoch} first", skipped.Message, StringComparison.Ordinal);
        Assert.Contains("can be settled after", running.Message, StringComparison.Ordinal);
        Assert.Null(await bed.Store.GetAsync(bed.FirstEpoch + 1));
    }

    [Fact]
    public async Task An_epoch_nobody_earned_in_publishes_a_placeholder_root_that_the_next_epoch_drops()
    {
        using var bed = await SettlementBed.CreateAsync(azurite, chain);
        var stage = bed.Stage();
        var owner = await bed.AddDeviceAsync(bed.FirstEpoch + 1, accepted: 60);

        var empty = await stage.SettleAsync(bed.FirstEpoch);
        await stage.SettleAsync(bed.FirstEpoch + 1);

        Assert.Equal("0", empty.State.EpochTotal);
        Assert.Equal(empty.State.Root, Hex(await bed.Deployer.GetRootAsync(bed.FirstEpoch)));
        var tree = await bed.Store.ReadTreeAsync(bed.FirstEpoch + 1);
        var value = Assert.Single(tree!.Values);
        Assert.Equal(owner.GetPublicAddress(), value.Account.ToChecksumString());
    }

    [Fact]
    public async Task The_timer_settles_every_epoch_past_its_grace_period_in_order_and_nothing_twice()
    {
        using var bed = await SettlementBed.CreateAsync(azurite, chain);
        await bed.AddDeviceAsync(bed.FirstEpoch + 1, accepted: 60);
        // Epochs F, F+1 and F+2 have ended 15 minutes ago; F+3 ended 10 minutes ago, inside the grace period.
        bed.Time = new FakeTimeProvider(bed.Clock.EndOf(bed.FirstEpoch + 3) + TimeSpan.FromMinutes(10));

        var settled = await bed.Stage().SettleDueAsync();
        var again = await bed.Stage().SettleDueAsync();

        Assert.Equal([bed.FirstEpoch, bed.FirstEpoch + 1, bed.FirstEpoch + 2], settled.Select(o => o.State.Epoch));
        Assert.All(settled, o => Assert.Equal(SettlementStatus.Confirmed, o.State.Status));
        Assert.Empty(again);
        Assert.Equal(bed.FirstEpoch + 2, (long)await bed.Deployer.GetCurrentEpochAsync());
    }

    [Fact]
    public async Task The_timer_does_nothing_while_no_distributor_is_configured()
    {
        using var bed = await SettlementBed.CreateAsync(azurite, chain);
        using var unconfigured = new SettlementChain(
            Microsoft.Extensions.Options.Options.Create(new ChainOptions { RpcUrl = chain.Chain.Endpoint.RpcUrl }), new FixedSettlementKey(chain.Chain.FundedKeys[0]));
        var stage = new SettlementStage(
            bed.Ledger, bed.Calculator(), bed.Store, unconfigured,
            Microsoft.Extensions.Options.Options.Create(bed.Policy), Microsoft.Extensions.Options.Options.Create(bed.Timer), bed.Time);

        Assert.Empty(await stage.SettleDueAsync());
        await Assert.ThrowsAsync<InvalidOperationException>(() => stage.SettleAsync(bed.FirstEpoch));
    }

    [Fact]
    public async Task Of_two_runs_settling_one_epoch_at_once_one_publishes_the_other_is_refused_and_a_rerun_changes_nothing()
    {
        using var bed = await SettlementBed.CreateAsync(azurite, chain);
        var epoch = bed.FirstEpoch;
        await bed.AddDeviceAsync(epoch, accepted: 60);
        var computed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var carryOn = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        // The first run pauses, holding the epoch, after computing; the second starts meanwhile.
        var first = bed.Stage(async (checkpoint, _, ct) =>
        {
            if (checkpoint == SettlementCheckpoint.Computed)
            {
                computed.SetResult();
                await carryOn.Task.WaitAsync(ct);
            }
        }).SettleAsync(epoch);
        await computed.Task.WaitAsync(TimeSpan.FromSeconds(60));

        var refused = await Assert.ThrowsAsync<LeaseBusyException>(() => bed.Stage().SettleAsync(epoch));
        var timer = await bed.Stage().SettleDueOnScheduleAsync();
        carryOn.SetResult();
        var published = await first;
        var rerun = await bed.Stage().SettleAsync(epoch);

        Assert.StartsWith($"Epoch {epoch} is being settled by another run", refused.Message, StringComparison.Ordinal);
        Assert.Empty(timer);
        Assert.Equal(SettlementStatus.Confirmed, published.State.Status);
        Assert.Single(await RootPublishedLogsAsync(bed, epoch));
        Assert.Equal(published.State, rerun.State);
        Assert.Empty(rerun.Steps);
    }

    [Fact]
    public async Task Verify_epoch_agrees_with_a_settled_epoch_and_notices_a_changed_ledger()
    {
        using var bed = await SettlementBed.CreateAsync(azurite, chain);
        var epoch = bed.FirstEpoch;
        await bed.AddDeviceAsync(epoch, accepted: 60);
        await bed.Stage().SettleAsync(epoch);

        var clean = await bed.Verifier().VerifyAsync(epoch);
        await bed.AddDeviceAsync(epoch, accepted: 10);
        var changed = await bed.Verifier().VerifyAsync(epoch);

        Assert.True(clean.IsValid);
        Assert.Equal(clean.RecomputedRoot, clean.OnChainRoot);
        Assert.False(changed.LedgerUnchanged);
        Assert.False(changed.RootMatches);
        Assert.Equal(clean.OnChainRoot, changed.OnChainRoot);
    }

    [Fact]
    public async Task Verify_epoch_still_agrees_after_a_device_is_re_registered_to_another_owner()
    {
        using var bed = await SettlementBed.CreateAsync(azurite, chain);
        var epoch = bed.FirstEpoch;
        var (owner, registration) = await bed.AddRegisteredDeviceAsync(epoch, accepted: 60);
        await bed.AddDeviceAsync(epoch, accepted: 30);
        await bed.Stage().SettleAsync(epoch);
        var newOwner = EthECKey.GenerateKey().GetPublicAddress().ToLowerInvariant();

        var stored = await new DeviceRegistryStore(bed.Tables).SaveAsync(registration with { Owner = newOwner, Nonce = 2 });
        var verification = await bed.Verifier().VerifyAsync(epoch);

        Assert.True(stored);
        Assert.True(verification.IsValid, string.Join("; ", verification.Differences));
        Assert.True(verification.UsedRegistrySnapshot);
        Assert.Empty(verification.Differences);
        var change = Assert.Single(verification.RegistryChanges);
        Assert.Equal(registration.Device, change.Device);
        Assert.Equal(owner.GetPublicAddress().ToLowerInvariant(), change.Snapshot.Owner);
        Assert.Equal(1, change.Snapshot.Nonce);
        Assert.Equal(newOwner, change.Current?.Owner);
        Assert.Equal(2, change.Current?.Nonce);
    }

    [Fact]
    public async Task Verify_epoch_fails_and_names_the_device_when_a_ledger_row_is_changed_after_settlement()
    {
        using var bed = await SettlementBed.CreateAsync(azurite, chain);
        var epoch = bed.FirstEpoch;
        var (_, registration) = await bed.AddRegisteredDeviceAsync(epoch, accepted: 40);
        await bed.AddDeviceAsync(epoch, accepted: 30);
        await bed.Stage().SettleAsync(epoch);

        await bed.Ledger.RecordSamplesAsync([new SampleRecord(epoch, registration.Device, SettlementBed.SourceOf(epoch), 55)]);
        var verification = await bed.Verifier().VerifyAsync(epoch);

        Assert.False(verification.IsValid);
        Assert.False(verification.LedgerUnchanged);
        Assert.False(verification.RootMatches);
        Assert.Equal($"device {registration.Device}: accepted samples 40 when settled, 55 now", Assert.Single(verification.Differences));
    }

    [Fact]
    public async Task Verify_epoch_of_a_report_without_a_registry_snapshot_uses_todays_registry()
    {
        using var bed = await SettlementBed.CreateAsync(azurite, chain);
        var epoch = bed.FirstEpoch;
        var (_, registration) = await bed.AddRegisteredDeviceAsync(epoch, accepted: 60);
        await bed.Stage().SettleAsync(epoch);
        var report = await bed.Store.ReadReportAsync(epoch);
        // A report as settlement wrote it before snapshots were recorded.
        await bed.Store.WriteReportAsync(report! with
        {
            UnregisteredDevices = null,
            Devices = [.. report.Devices.Select(d => d with { RegistrationNonce = null, RegistrationSequence = null })],
        });

        var unchanged = await bed.Verifier().VerifyAsync(epoch);
        var newOwner = EthECKey.GenerateKey().GetPublicAddress().ToLowerInvariant();
        await new DeviceRegistryStore(bed.Tables).SaveAsync(registration with { Owner = newOwner, Nonce = 2 });
        var reRegistered = await bed.Verifier().VerifyAsync(epoch);

        Assert.True(unchanged.IsValid);
        Assert.False(unchanged.UsedRegistrySnapshot);
        Assert.False(reRegistered.IsValid);
        Assert.Contains($"device {registration.Device}: owner {registration.Owner} when settled, {newOwner} now", reRegistered.Differences);
    }

    private static Task<List<EventLog<RootPublishedEventDTO>>> RootPublishedLogsAsync(SettlementBed bed, long epoch) =>
        bed.RootPublishedLogsAsync(epoch);

    private static string Hex(byte[] root) => "0x" + Convert.ToHexStringLower(root);

    private static string Amount(BigInteger value) => value.ToString(CultureInfo.InvariantCulture);

    private static string? AmountOf(SettlementReport report, string account) =>
        report.Payouts.SingleOrDefault(p => p.Account == account.ToLowerInvariant())?.Total;

    private sealed class SimulatedCrashException() : Exception("simulated crash");
}
