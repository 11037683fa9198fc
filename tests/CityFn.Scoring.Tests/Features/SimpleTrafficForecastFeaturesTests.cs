using Azure.Data.Tables;
using CityFn.Core.Ingest;
using CityFn.Core.Scoring;
using CityFn.Core.Scoring.Features;
using CityFn.TestSupport;

namespace CityFn.Scoring.Tests.Features;

[Collection(AzuriteCollection.Name)]
public sealed class SimpleTrafficForecastFeaturesTests(AzuriteFixture azurite)
{
    private static readonly DateTimeOffset Start = new(2026, 11, 25, 7, 30, 0, TimeSpan.Zero);

    [Fact]
    public async Task History_features_merge_earlier_capture_files_minute_aggregates_with_the_jobs_own_earlier_minutes()
    {
        var tables = new TableServiceClient(azurite.ConnectionString);
        var device = ScoringTestBed.Device(Random.Shared.Next(), 0);
        var aggregates = tables.GetTableClient(IngestStorage.AggregatesTable);
        await aggregates.CreateIfNotExistsAsync();
        // Two partials of one earlier minute (from two files) and one minute outside the history window.
        await aggregates.UpsertEntityAsync(Aggregate(device, Start.AddMinutes(-2), "a", count: 2, flowSum: 2000));
        await aggregates.UpsertEntityAsync(Aggregate(device, Start.AddMinutes(-2), "b", count: 2, flowSum: 1000));
        await aggregates.UpsertEntityAsync(Aggregate(device, Start.AddMinutes(-30), "c", count: 100, flowSum: 1_000_000));
        var features = new SimpleTrafficForecastFeatures(new TableDetectorHistory(tables), new ScoringOptions { HistoryMinutes = 15 });
        // The job: one reading at flow 500 in its first minute, one at flow 1800 in its last.
        ReadingRow[] readings =
        [
            Reading(device, Start, flow: 500),
            Reading(device, Start.AddMinutes(1), flow: 1800),
        ];
        var job = new ScoreJob("j:traffic", "j", "traffic", "none", 1, 2, Start, Start.AddMinutes(2));

        var matrix = await features.FeaturizeAsync(job, readings);

        var row = Assert.Single(matrix.Rows);
        Assert.Equal("seg-1", row.Entity);
        Assert.Equal(Start.AddMinutes(1), row.BasedOn);
        Assert.Equal(Start.AddMinutes(1 + 1 + 15), row.For);
        Assert.Equal(1800 / 2000f, matrix.Values[0], 5);
        // History: (2000 + 1000 + 500) / (2 + 2 + 1) = 700 veh/h.
        Assert.Equal(700 / 2000f, matrix.Values[3], 5);
    }

    private static TableEntity Aggregate(string device, DateTimeOffset minute, string source, long count, double flowSum) =>
        new(device, $"{minute.UtcDateTime:yyyyMMddHHmm}|{source}")
        {
            ["flow_veh_h_count"] = count,
            ["flow_veh_h_sum"] = flowSum,
        };

    private static ReadingRow Reading(string device, DateTimeOffset time, double flow) => new()
    {
        Device = device, Kind = "traffic", Time = time.UtcDateTime, Segment = "seg-1", FlowVehH = flow, OccupancyPct = 10, SpeedKmh = 50,
    };
}
