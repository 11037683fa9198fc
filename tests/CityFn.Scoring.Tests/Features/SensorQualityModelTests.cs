using Azure.Data.Tables;
using CityFn.Core.Features;
using CityFn.Core.Ingest;
using CityFn.Core.Scoring;
using CityFn.Core.Scoring.Features;
using CityFn.Core.Scoring.Verification;
using CityFn.LocalDev;
using CityFn.TestSupport;
using Xunit.Abstractions;

namespace CityFn.Scoring.Tests.Features;

/// <summary>
/// The trained sensor-quality model (models/sensor-quality/1/model.onnx, run by the CPU reference) on features the
/// production model class builds: five air sensors a few hundred metres apart, the first hour stored as ingest's
/// minute aggregates (earlier capture files), the last 30 minutes in the job.
/// </summary>
[Collection(AzuriteCollection.Name)]
public sealed class SensorQualityModelTests(AzuriteFixture azurite, ITestOutputHelper output)
{
    private static readonly DateTimeOffset Start = new(2026, 11, 25, 6, 0, 0, TimeSpan.Zero);
    private const int JobMinutes = 30;

    [Fact]
    public async Task A_stuck_sensor_scores_a_high_fault_probability_and_its_healthy_neighbours_a_low_one()
    {
        var seed = Random.Shared.Next();
        var devices = Enumerable.Range(0, 5).Select(i => ScoringTestBed.Device(seed, i)).ToArray();
        var stuck = devices[0];
        var tables = new TableServiceClient(azurite.ConnectionString);
        var aggregates = tables.GetTableClient(IngestStorage.AggregatesTable);
        await aggregates.CreateIfNotExistsAsync();
        var random = new Random(seed);
        var readings = new List<ReadingRow>();
        for (var minute = 0; minute < SensorQualityFeatures.HistoryMinutes; minute++)
        {
            // A shared, slowly changing city level plus each sensor's own noise.
            var level = 20 + (8 * Math.Sin(minute / 15.0));
            for (var d = 0; d < devices.Length; d++)
            {
                var pm25 = level + (random.NextDouble() * 2) - 1;
                var pm10 = (1.6 * level) + (random.NextDouble() * 3) - 1.5;
                var no2 = 30 + (0.5 * level) + (random.NextDouble() * 4) - 2;
                if (d == 0 && minute >= 45)
                {
                    // Stuck since 45 minutes: the same three values every minute.
                    (pm25, pm10, no2) = (21.5, 34.25, 41.0);
                }

                var at = Start.AddMinutes(minute);
                if (minute < SensorQualityFeatures.HistoryMinutes - JobMinutes)
                {
                    await aggregates.UpsertEntityAsync(Aggregate(devices[d], at, pm25, pm10, no2));
                }
                else
                {
                    readings.Add(Reading(devices[d], d, at.AddSeconds(20), pm25, pm10, no2));
                }
            }
        }

        var model = new SensorQualityModel(new TableDetectorHistory(tables));
        var jobStart = Start.AddMinutes(SensorQualityFeatures.HistoryMinutes - JobMinutes);
        var job = new ScoreJob("j:air", "j", "air", "none", devices.Length, readings.Count, jobStart, jobStart.AddMinutes(JobMinutes));

        var matrix = await model.FeaturizeAsync(job, readings);
        using var reference = new CpuReference(new ScoringOptions { ReferenceModels = Path.Combine(RepositoryRoot.Find(), "models") });
        var scores = reference.Run(model.Name, model.InputName, model.OutputName, matrix.Values, matrix.Rows.Count, model.Columns);

        Assert.Equal(devices.Order(StringComparer.Ordinal), matrix.Rows.Select(r => r.Entity));
        Assert.All(matrix.Rows, r => Assert.Equal(Start.AddMinutes(SensorQualityFeatures.HistoryMinutes), r.For));
        var byDevice = matrix.Rows.Select((r, i) => (r.Entity, Score: scores[i], Features: matrix.Values.AsSpan(i * model.Columns, model.Columns).ToArray())).ToDictionary(r => r.Entity);
        output.WriteLine(string.Join(", ", devices.Select(d => $"{d[..8]}: {byDevice[d].Score:F4}")));
        // The stuck run reaches back into the stored history (45 minutes), and the four others are its neighbours.
        Assert.Equal(45, byDevice[stuck].Features[1]);
        Assert.All(byDevice.Values, r => Assert.Equal(4, r.Features[12]));
        Assert.True(byDevice[stuck].Score > 0.8, $"stuck sensor fault probability {byDevice[stuck].Score}");
        Assert.All(devices.Skip(1), d => Assert.True(byDevice[d].Score < 0.2, $"healthy sensor {d} fault probability {byDevice[d].Score}"));
    }

    [Fact]
    public async Task A_device_that_started_sending_inside_the_window_gets_no_score_yet_instead_of_a_dropout_fault()
    {
        var seed = Random.Shared.Next();
        var (veteran, newcomer) = (ScoringTestBed.Device(seed, 0), ScoringTestBed.Device(seed, 1));
        var tables = new TableServiceClient(azurite.ConnectionString);
        var aggregates = tables.GetTableClient(IngestStorage.AggregatesTable);
        await aggregates.CreateIfNotExistsAsync();
        var jobStart = Start.AddMinutes(SensorQualityFeatures.HistoryMinutes - JobMinutes);
        var readings = new List<ReadingRow>();
        for (var minute = 0; minute < SensorQualityFeatures.HistoryMinutes; minute++)
        {
            var at = Start.AddMinutes(minute);
            if (at < jobStart)
            {
                await aggregates.UpsertEntityAsync(Aggregate(veteran, at, 20, 32, 40));
                continue;
            }

            readings.Add(Reading(veteran, 0, at.AddSeconds(20), 20 + (minute % 3), 32 + (minute % 4), 40 + (minute % 5)));
            // The newcomer's first reading ever is 10 minutes into the 30-minute window.
            if (at >= jobStart.AddMinutes(10))
            {
                readings.Add(Reading(newcomer, 1, at.AddSeconds(25), 20 + (minute % 3), 32 + (minute % 4), 40 + (minute % 5)));
            }
        }

        var model = new SensorQualityModel(new TableDetectorHistory(tables));
        var job = new ScoreJob("j:air", "j", "air", "none", 2, readings.Count, jobStart, jobStart.AddMinutes(JobMinutes));

        var matrix = await model.FeaturizeAsync(job, readings);

        Assert.Equal([veteran], matrix.Rows.Select(r => r.Entity));
    }

    private static TableEntity Aggregate(string device, DateTimeOffset minute, double pm25, double pm10, double no2) =>
        new(device, $"{minute.UtcDateTime:yyyyMMddHHmm}|earlier")
        {
            ["pm25_ugm3_count"] = 2L,
            ["pm25_ugm3_sum"] = 2 * pm25,
            ["pm10_ugm3_count"] = 2L,
            ["pm10_ugm3_sum"] = 2 * pm10,
            ["no2_ugm3_count"] = 2L,
            ["no2_ugm3_sum"] = 2 * no2,
        };

    private static ReadingRow Reading(string device, int index, DateTimeOffset time, double pm25, double pm10, double no2) => new()
    {
        Device = device,
        Kind = "air",
        Time = time.UtcDateTime,
        Lat = 52.37 + (0.002 * index),
        Lon = 4.89 + (0.002 * index),
        Pm25Ugm3 = pm25,
        Pm10Ugm3 = pm10,
        No2Ugm3 = no2,
    };
}
