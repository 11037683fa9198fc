using Azure.Data.Tables;
using Azure.Storage.Blobs;
using CityFn.Core.Devices;
using CityFn.Core.Features;
using CityFn.Core.Ingest;
using CityFn.Core.Network;
using CityFn.Core.Scoring;
using CityFn.Core.Scoring.Features;
using CityFn.TestSupport;

namespace CityFn.Scoring.Tests.Features;

/// <summary>
/// The traffic forecast's features as the production model class builds them from ingest's readings files, here the
/// historical (weekday) speed profile, which needs more than a day of history. Each test uses its own far-off week,
/// so other tests' readings files are not in its hours.
/// </summary>
[Collection(AzuriteCollection.Name)]
public sealed class TrafficForecastModelTests(AzuriteFixture azurite)
{
    private const int HistoricalColumn = 25;

    [Fact]
    public async Task The_historical_speed_is_the_mean_at_the_forecast_minute_over_the_weekdays_of_the_last_week()
    {
        // A Wednesday: the week before holds Tue, Mon, (Sun, Sat), Fri, Thu and last Wednesday.
        var day = new DateTime(2040, 1, 4).AddDays(7 * Random.Shared.Next(1, 300_000));
        Assert.Equal(DayOfWeek.Wednesday, day.DayOfWeek);
        var device = ScoringTestBed.Device(Random.Shared.Next(), 0);
        var segment = $"seg-{Guid.NewGuid():N}";
        var latest = new DateTimeOffset(day.AddHours(8).AddMinutes(14), TimeSpan.Zero);
        var target = latest.AddMinutes(TrafficForecastFeatures.HorizonMinutes);
        var job = Enumerable.Range(0, 15).Select(m => Reading(device, segment, latest.AddMinutes(m - 14), 40)).ToList();
        // Speed at the target minute, days back: weekend days and the day beyond HistoricalDays (7) must not count.
        (int DaysBack, double Speed)[] history = [(1, 60), (2, 50), (3, 5), (4, 10), (5, 70), (6, 30), (7, 20), (8, 99)];
        foreach (var (daysBack, speed) in history)
        {
            var minute = target.AddDays(-daysBack);
            // Two readings in the minute, in two capture files: the minute's mean is their mean.
            await WriteReadingsFileAsync([Reading(device, segment, minute, speed - 4)]);
            await WriteReadingsFileAsync([Reading(device, segment, minute.AddSeconds(30), speed + 4)]);
        }

        var scoreJob = new ScoreJob("j:traffic", "j", "traffic", "none", 1, job.Count, latest.AddMinutes(-14), latest.AddMinutes(1));
        var matrix = await Model().FeaturizeAsync(scoreJob, job);

        var row = Assert.Single(matrix.Rows);
        Assert.Equal(segment, row.Entity);
        Assert.Equal(target, row.For);
        Assert.Equal((60 + 50 + 70 + 30 + 20) / 5.0, matrix.Values[HistoricalColumn], 4);
        Assert.Equal(((60 + 50 + 70 + 30 + 20) / 5.0) - 40, matrix.Values[HistoricalColumn + 1], 4);
    }

    [Fact]
    public async Task Without_earlier_days_the_latest_speed_stands_in_for_the_historical_speed()
    {
        var day = new DateTime(2040, 1, 4).AddDays(7 * Random.Shared.Next(1, 300_000));
        var device = ScoringTestBed.Device(Random.Shared.Next(), 0);
        var segment = $"seg-{Guid.NewGuid():N}";
        var latest = new DateTimeOffset(day.AddHours(8).AddMinutes(14), TimeSpan.Zero);
        var job = Enumerable.Range(0, 15).Select(m => Reading(device, segment, latest.AddMinutes(m - 14), 40 + (m % 2))).ToList();

        var scoreJob = new ScoreJob("j:traffic", "j", "traffic", "none", 1, job.Count, latest.AddMinutes(-14), latest.AddMinutes(1));
        var matrix = await Model().FeaturizeAsync(scoreJob, job);

        Assert.Equal(40, matrix.Values[HistoricalColumn], 4);
        Assert.Equal(0, matrix.Values[HistoricalColumn + 1], 4);
    }

    [Fact]
    public async Task The_jam_features_follow_the_published_map_to_the_detectors_registered_streets_away()
    {
        // a → b → c → d on the map; the job is a's detector. b flows, c jammed 8 minutes ago, d has stood for 40.
        var day = new DateTime(2040, 1, 4).AddDays(7 * Random.Shared.Next(1, 300_000));
        var latest = new DateTimeOffset(day.AddHours(8).AddMinutes(14), TimeSpan.Zero);
        var id = Guid.NewGuid().ToString("N");
        string Segment(string name) => $"seg-{id}-{name}";
        var p0 = new GeoPoint(52.37, 4.89);
        var p1 = new GeoPoint(52.37, 4.9);
        await new RoadNetworkStore(new BlobServiceClient(azurite.ConnectionString)).SaveAsync(new RoadNetworkMap(1, "UTC",
        [
            new MapSegment(Segment("a"), p0, p1, 2, true, 60, [], [Segment("b")]),
            new MapSegment(Segment("b"), p0, p1, 2, true, 60, [Segment("a")], [Segment("c")]),
            new MapSegment(Segment("c"), p0, p1, 2, true, 60, [Segment("b")], [Segment("d")]),
            new MapSegment(Segment("d"), p0, p1, 2, true, 60, [Segment("c")], []),
        ]));
        var seed = Random.Shared.Next();
        var registry = new DeviceRegistryStore(new TableServiceClient(azurite.ConnectionString));
        var downstream = new[] { ("b", 0), ("c", 8), ("d", 40) };
        var stored = new List<ReadingRow>();
        foreach (var (name, jammedMinutes) in downstream)
        {
            var device = ScoringTestBed.Device(seed, name[0]);
            await registry.SaveAsync(new DeviceRegistration(device, "0x" + new string('1', 40), SensorKind.Traffic, new GeoLocation(52.37, 4.89, Segment(name)), 1, latest.AddDays(-1)));
            stored.AddRange(Enumerable.Range(0, TrafficForecastFeatures.HistoryMinutes)
                .Select(m => Reading(device, Segment(name), latest.AddMinutes(m + 1 - TrafficForecastFeatures.HistoryMinutes), m >= TrafficForecastFeatures.HistoryMinutes - jammedMinutes ? 4 : 60)));
        }

        await WriteReadingsFileAsync(stored);
        var own = ScoringTestBed.Device(seed, 'a');
        var job = Enumerable.Range(0, 15).Select(m => Reading(own, Segment("a"), latest.AddMinutes(m - 14), 60)).ToList();

        var scoreJob = new ScoreJob("j:traffic", "j", "traffic", "none", 1, job.Count, latest.AddMinutes(-14), latest.AddMinutes(1));
        var matrix = await Model().FeaturizeAsync(scoreJob, job);

        Assert.Equal(Segment("a"), Assert.Single(matrix.Rows).Entity);
        float Feature(string name) => matrix.Values[TrafficForecastFeatures.Names.ToList().IndexOf(name)];
        Assert.Equal(2, Feature("jam_hops_downstream"));
        Assert.Equal(2, Feature("jammed_segments_within_3_hops"));
        Assert.Equal(TrafficJams.NoJam, Feature("jam_hops_upstream"));
        Assert.Equal(2, Feature("new_jam_hops_downstream"));
    }

    private TrafficForecastModel Model()
    {
        var blobs = new BlobServiceClient(azurite.ConnectionString);
        var options = new ScoringOptions();
        var layouts = new CityLayoutCache(new RoadNetworkStore(blobs), new DeviceRegistryStore(new TableServiceClient(azurite.ConnectionString)), options, TimeProvider.System);
        return new TrafficForecastModel(new ReadingsFileHistory(blobs, TimeProvider.System), layouts, options);
    }

    private Task WriteReadingsFileAsync(IReadOnlyList<ReadingRow> rows) => ReadingsFiles.WriteAsync(azurite.ConnectionString, rows);

    private static ReadingRow Reading(string device, string segment, DateTimeOffset time, double speed) => new()
    {
        Device = device, Kind = "traffic", Time = time.UtcDateTime.AddSeconds(5), Lat = 52.37, Lon = 4.89, Segment = segment,
        FlowVehH = 900, OccupancyPct = 12, SpeedKmh = speed,
    };
}
