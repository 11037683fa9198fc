using System.Collections.Concurrent;
using System.Globalization;
using Azure;
using Azure.Data.Tables;
using CityFn.Core.Devices;
using CityFn.Core.Ethereum;
using CityFn.Core.Ingest;
using CityFn.Core.Network;
using CityFn.Core.Rewards.Settlement;
using CityFn.Core.Scoring;
using CityFn.Core.Scoring.Alerts;
using CityFn.Core.Scoring.Outputs;

namespace CityFn.Core.Dashboard;

/// <summary>
/// What the dashboard shows, read from the stores the pipeline writes: the road network map with each segment's
/// newest forecast, the devices with their newest quality, the alert log, the settlement table with each epoch's
/// report, and a contributor's rewards (payout index or reports + chain). Host-agnostic: the Functions app and
/// <c>cityfn dashboard</c> answer the same routes (<see cref="DashboardHttp"/>) from this class.
/// </summary>
public sealed class DashboardService(
    RoadNetworkStore network,
    TableServiceClient tables,
    DeviceRegistryStore devices,
    AlertLog alerts,
    SettlementStore settlements,
    ContributorRewardsService rewards,
    TimeProvider timeProvider)
{
    /// <summary>At most this many sensors are drawn (an SVG with more is slow to draw); the view says how many exist.</summary>
    public const int MaxSensors = 5_000;

    public const int MaxAlerts = 50;

    /// <summary>Epochs in the rewards table and in a contributor lookup.</summary>
    public const int MaxEpochs = 24;

    public const int TopPayouts = 5;

    // An epoch's report never changes once its root is computed; summaries are cached by (epoch, root).
    private readonly ConcurrentDictionary<(long Epoch, string Root), EpochSummary> _summaries = new();

    public async Task<NetworkView> NetworkAsync(CancellationToken cancellationToken = default)
    {
        var mapTask = network.LoadAsync(cancellationToken);
        var forecastsTask = ForecastsAsync(cancellationToken);
        var map = await mapTask;
        var forecasts = await forecastsTask;
        if (map is null)
        {
            return new NetworkView(Now, "none", null, forecasts.Count, []);
        }

        var segments = map.Segments.Select(s =>
        {
            var forecast = forecasts.GetValueOrDefault(s.Id);
            return new SegmentView(
                s.Id, s.From.Lat, s.From.Lon, s.To.Lat, s.To.Lon, s.Arterial, forecast?.Congestion, CongestionBands.Of(forecast?.Level),
                forecast?.For, forecast?.Alert ?? false);
        }).ToList();
        return new NetworkView(Now, "road-network", map.TimeZone, segments.Count(s => s.Congestion is not null), segments);
    }

    public async Task<SensorsView> SensorsAsync(CancellationToken cancellationToken = default)
    {
        var directoryTask = devices.ListAsync(cancellationToken);
        var qualityTask = QualityAsync(cancellationToken);
        var registrations = await directoryTask;
        var quality = await qualityTask;
        var sensors = registrations
            .OrderBy(r => r.Device, StringComparer.Ordinal)
            .Take(MaxSensors)
            .Select(r =>
            {
                var q = quality.GetValueOrDefault(r.Device);
                return new SensorView(
                    r.Device, r.Owner, SensorKinds.WireName(r.Kind), r.Location.Lat, r.Location.Lon, r.Location.Segment,
                    q?.Quality, QualityBands.Of(q?.Quality), q?.Time, q?.Alert ?? false);
            })
            .ToList();
        return new SensorsView(Now, registrations.Count, sensors);
    }

    public async Task<AlertsView> AlertsAsync(CancellationToken cancellationToken = default)
    {
        var recent = await alerts.ListRecentAsync(MaxAlerts, cancellationToken);
        return new AlertsView(Now, [.. recent.Select(a => new AlertView(a.AlertId, a.Type, a.Entity, a.Time, a.Score, a.Threshold, Describe(a)))]);
    }

    public async Task<EpochsView> EpochsAsync(CancellationToken cancellationToken = default)
    {
        var states = await settlements.ListRecentAsync(MaxEpochs, cancellationToken);
        var summaries = await Task.WhenAll(states.Select(s => SummaryAsync(s, cancellationToken)));
        return new EpochsView(Now, [.. states.Zip(summaries, (state, summary) => new EpochView(
            state.Epoch, summary?.Start, summary?.End, state.Status.ToString(), state.Root, state.TransactionHash, state.Block,
            state.EpochTotal, state.Accounts, summary?.Paid ?? 0, summary?.Top ?? []))]);
    }

    /// <summary>
    /// The account's payouts in the recent epochs and its claim state from the chain. Each epoch is one point read
    /// of the payout index (table <c>payouts</c>); epochs settled before the index existed are read from their
    /// report (<see cref="SettlementStore.PayoutsOfAsync"/>). A chain that cannot be read is reported in
    /// <see cref="ContributorView.ChainError"/>, not thrown: the per-epoch rewards are still worth showing.
    /// </summary>
    public async Task<ContributorView> ContributorAsync(EthAddress account, CancellationToken cancellationToken = default)
    {
        var address = account.ToLowerHex();
        var chainTask = ChainStateAsync(account, cancellationToken);
        var states = await settlements.ListRecentAsync(MaxEpochs, cancellationToken);
        var payouts = await settlements.PayoutsOfAsync(states, address, cancellationToken);
        var epochs = payouts
            .Select(p => new ContributorEpochView(p.State.Epoch, p.State.Status.ToString(), p.Payout.Data, p.Payout.Compute, p.Payout.Total, p.Payout.Cumulative))
            .ToList();
        var (chain, error) = await chainTask;
        return new ContributorView(
            address, epochs, chain?.LatestEpoch, chain?.Root, chain?.Cumulative, chain?.ClaimedOnChain, chain?.Claimable, chain?.Proof ?? [], error);
    }

    private DateTimeOffset Now => timeProvider.GetUtcNow();

    private async Task<(ContributorRewards? Rewards, string? Error)> ChainStateAsync(EthAddress account, CancellationToken cancellationToken)
    {
        try
        {
            return (await rewards.GetAsync(account, cancellationToken), null);
        }
        catch (Exception exception) when (exception is not OperationCanceledException)
        {
            // Not configured (no distributor deployed), unreachable node, or a reverted call: say so on the page.
            return (null, $"The chain could not be read: {exception.Message}");
        }
    }

    private async Task<EpochSummary?> SummaryAsync(SettlementState state, CancellationToken cancellationToken)
    {
        if (_summaries.TryGetValue((state.Epoch, state.Root), out var cached))
        {
            return cached;
        }

        var report = await settlements.ReadReportAsync(state.Epoch, cancellationToken);
        if (report is null)
        {
            return null;
        }

        var top = report.Payouts
            .OrderByDescending(p => System.Numerics.BigInteger.Parse(p.Total, CultureInfo.InvariantCulture))
            .ThenBy(p => p.Account, StringComparer.Ordinal)
            .Take(TopPayouts)
            .Select(p => new PayoutView(p.Account, p.Data, p.Compute, p.Total, p.Cumulative))
            .ToList();
        var summary = new EpochSummary(report.Start, report.End, report.Payouts.Count, top);
        if (_summaries.Count > 4 * MaxEpochs)
        {
            _summaries.Clear();
        }

        _summaries[(state.Epoch, state.Root)] = summary;
        return summary;
    }

    private async Task<Dictionary<string, LatestForecast>> ForecastsAsync(CancellationToken cancellationToken)
    {
        var result = new Dictionary<string, LatestForecast>(StringComparer.Ordinal);
        await foreach (var entity in QueryPartitionAsync(ScoringStorage.SegmentForecastsTable, ScoringStorage.SegmentPartition, ["Segment", "Congestion", "Level", "For", "Alert"], cancellationToken))
        {
            if (entity.GetString("Segment") is { } segment && entity.GetDouble("Congestion") is { } congestion)
            {
                result[segment] = new LatestForecast(congestion, entity.GetString("Level"), entity.GetDateTimeOffset("For"), entity.GetBoolean("Alert") ?? false);
            }
        }

        return result;
    }

    private async Task<Dictionary<string, LatestQuality>> QualityAsync(CancellationToken cancellationToken)
    {
        var result = new Dictionary<string, LatestQuality>(StringComparer.Ordinal);
        await foreach (var entity in QueryPartitionAsync(ScoringStorage.DeviceQualityTable, ScoringStorage.DevicePartition, ["Device", "Quality", "Time", "Alert"], cancellationToken))
        {
            if (entity.GetString("Device") is { } device && entity.GetDouble("Quality") is { } quality)
            {
                result[device] = new LatestQuality(quality, entity.GetDateTimeOffset("Time"), entity.GetBoolean("Alert") ?? false);
            }
        }

        return result;
    }

    // The latest-score tables are one partition each (ScoringStorage); before the first scoring job they do not exist.
    private async IAsyncEnumerable<TableEntity> QueryPartitionAsync(
        string table, string partition, string[] columns, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var pages = tables.GetTableClient(table)
            .QueryAsync<TableEntity>(e => e.PartitionKey == partition, select: columns, cancellationToken: cancellationToken)
            .AsPages()
            .GetAsyncEnumerator(cancellationToken);
        try
        {
            while (true)
            {
                try
                {
                    if (!await pages.MoveNextAsync())
                    {
                        yield break;
                    }
                }
                catch (RequestFailedException exception) when (exception.Status == 404)
                {
                    yield break;
                }

                foreach (var entity in pages.Current.Values)
                {
                    yield return entity;
                }
            }
        }
        finally
        {
            await pages.DisposeAsync();
        }
    }

    private static string Describe(ScoringAlert alert) => alert.Type switch
    {
        ScoringAlert.Congestion => string.Create(CultureInfo.InvariantCulture, $"Congestion on {alert.Entity}: forecast {alert.Score:0} km/h (alert below {alert.Threshold:0} km/h)"),
        ScoringAlert.SensorFault => string.Create(CultureInfo.InvariantCulture, $"Sensor {alert.Entity} looks faulty: fault probability {alert.Score:0.00} (alert at {alert.Threshold:0.00})"),
        _ => string.Create(CultureInfo.InvariantCulture, $"{alert.Type} on {alert.Entity}: {alert.Score:0.00} (threshold {alert.Threshold:0.00})"),
    };

    private sealed record LatestForecast(double Congestion, string? Level, DateTimeOffset? For, bool Alert);

    private sealed record LatestQuality(double Quality, DateTimeOffset? Time, bool Alert);

    private sealed record EpochSummary(DateTimeOffset Start, DateTimeOffset End, int Paid, IReadOnlyList<PayoutView> Top);
}
