using Azure.Data.Tables;
using Azure.Storage.Blobs;
using CityFn.Core.Devices;
using CityFn.Core.Features;
using CityFn.Core.Ingest;
using CityFn.Core.Network;
using CityFn.Core.Scoring;
using CityFn.Core.Scoring.Features;
using CityFn.Core.Scoring.Verification;
using CityFn.LocalDev;
using CityFn.TestSupport;
using Xunit.Abstractions;

namespace CityFn.Scoring.Tests.Features;

/// <summary>
/// The trained sensor-quality model (models/sensor-quality/1/model.onnx, run by the CPU reference) on features the
/// production model class builds: air sensors a few hundred metres apart, earlier minutes stored as ingest's readings
/// files (earlier capture files), the last 30 minutes in the job. Each test uses its own day, so the readings files of
/// other tests in the shared Azurite are not in its window.
/// </summary>
[Collection(AzuriteCollection.Name)]
public sealed class SensorQualityModelTests(AzuriteFixture azurite, ITestOutputHelper output)
{
    private const int JobMinutes = 30;
    private readonly DateTimeOffset _start = new DateTimeOffset(2026, 11, 25, 6, 0, 0, TimeSpan.Zero).AddDays(Random.Shared.Next(1, 2_500_000));

    [Fact]
    public async Task A_stuck_sensor_scores_a_high_fault_probability_and_its_healthy_neighbours_a_low_one()
    {
        var seed = Random.Shared.Next();
        var devices = Enumerable.Range(0, 5).Select(i => ScoringTestBed.Device(seed, i)).ToArray();
        var stuck = devices[0];
        var random = new Random(seed);
        var earlier = new List<ReadingRow>();
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

                var at = _start.AddMinutes(minute);
                (minute < SensorQualityFeatures.HistoryMinutes - JobMinutes ? earlier : readings).Add(Reading(devices[d], d, at.AddSeconds(20), pm25, pm10, no2));
            }
        }

        await WriteReadingsFileAsync(earlier);
        var model = Model();
        var jobStart = _start.AddMinutes(SensorQualityFeatures.HistoryMinutes - JobMinutes);
        var job = new ScoreJob("j:air", "j", "air", "none", devices.Length, readings.Count, jobStart, jobStart.AddMinutes(JobMinutes));

        var matrix = await model.FeaturizeAsync(job, readings);
        using var reference = new CpuReference(new ScoringOptions { ReferenceModels = Path.Combine(RepositoryRoot.Find(), "models") });
        var scores = reference.Run(model.Name, model.InputName, model.OutputName, matrix.Values, matrix.Rows.Count, model.Columns);

        Assert.Equal(devices.Order(StringComparer.Ordinal), matrix.Rows.Select(r => r.Entity));
        Assert.All(matrix.Rows, r => Assert.Equal(_start.AddMinutes(SensorQualityFeatures.HistoryMinutes), r.For));
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
        var jobStart = _start.AddMinutes(SensorQualityFeatures.HistoryMinutes - JobMinutes);
        var earlier = new List<ReadingRow>();
        var readings = new List<ReadingRow>();
        for (var minute = 0; minute < SensorQualityFeatures.HistoryMinutes; minute++)
        {
            var at = _start.AddMinutes(minute);
            if (at < jobStart)
            {
                earlier.Add(Reading(veteran, 0, at.AddSeconds(20), 20, 32, 40));
                continue;
            }

            readings.Add(Reading(veteran, 0, at.AddSeconds(20), 20 + (minute % 3), 32 + (minute % 4), 40 + (minute % 5)));
            // The newcomer's first reading ever is 10 minutes into the 30-minute window.
            if (at >= jobStart.AddMinutes(10))
            {
                readings.Add(Reading(newcomer, 1, at.AddSeconds(25), 20 + (minute % 3), 32 + (minute % 4), 40 + (minute % 5)));
            }
        }

        await WriteReadingsFileAsync(earlier);
        var model = Model();
        var job = new ScoreJob("j:air", "j", "air", "none", 2, readings.Count, jobStart, jobStart.AddMinutes(JobMinutes));

        var matrix = await model.FeaturizeAsync(job, readings);

        Assert.Equal([veteran], matrix.Rows.Select(r => r.Entity));
    }

    [Fact]
    public async Task Neighbours_are_the_nearest_registered_devices_of_the_kind_within_1_5_km_whatever_file_their_readings_came_in()
    {
        var seed = Random.Shared.Next();
        var random = new Random(seed);
        // A place of its own, so that devices other tests registered are not near it.
        var (lat, lon) = (-60 + (random.NextDouble() * 120), -170 + (random.NextDouble() * 340));
        const double metresPerDegree = 111_320;
        double Lon(double metres) => lon + (metres / (metresPerDegree * Math.Cos(lat * Math.PI / 180)));
        // East of the scored device: five air sensors (the fifth nearest is left out), one beyond 1.5 km, one noise sensor.
        (string Device, SensorKind Kind, double East)[] layout =
        [
            (ScoringTestBed.Device(seed, 0), SensorKind.Air, 0),
            (ScoringTestBed.Device(seed, 1), SensorKind.Air, 300),
            (ScoringTestBed.Device(seed, 2), SensorKind.Air, -500),
            (ScoringTestBed.Device(seed, 3), SensorKind.Air, 800),
            (ScoringTestBed.Device(seed, 4), SensorKind.Air, 1100),
            (ScoringTestBed.Device(seed, 5), SensorKind.Air, 1400),
            (ScoringTestBed.Device(seed, 6), SensorKind.Air, 1700),
            (ScoringTestBed.Device(seed, 7), SensorKind.Noise, 100),
        ];
        var registry = new DeviceRegistryStore(new TableServiceClient(azurite.ConnectionString));
        foreach (var (device, kind, east) in layout)
        {
            await registry.SaveAsync(new DeviceRegistration(device, "0x" + new string('1', 40), kind, new GeoLocation(lat, Lon(east), null), 1, _start));
        }

        // Per device and minute one reading; the scored device drifts upwards over the last 30 minutes; device 3 sends
        // nothing in the window's first 20 minutes. The neighbours' readings are in another capture file (another partition).
        var values = layout.Select(_ => new double[SensorQualityFeatures.HistoryMinutes * 3]).ToArray();
        var scored = new List<ReadingRow>();
        var scoredEarlier = new List<ReadingRow>();
        var others = new List<ReadingRow>();
        for (var minute = 0; minute < SensorQualityFeatures.HistoryMinutes; minute++)
        {
            var level = 20 + (8 * Math.Sin(minute / 15.0));
            for (var d = 0; d < layout.Length; d++)
            {
                if (layout[d].Kind != SensorKind.Air || (d == 3 && minute is >= 60 and < 80))
                {
                    Array.Fill(values[d], double.NaN, minute * 3, 3);
                    continue;
                }

                var drift = d == 0 && minute >= 60 ? 0.6 * (minute - 60) : 0;
                // Whole values in 1/8: the minute means are exact, so features can be compared exactly.
                double Round(double x) => Math.Round(x * 8) / 8;
                var (pm25, pm10, no2) = (Round(level + drift + (random.NextDouble() * 2)), Round((1.6 * level) + drift + (random.NextDouble() * 3)), Round(30 + (0.5 * level) + (random.NextDouble() * 4)));
                (values[d][minute * 3], values[d][(minute * 3) + 1], values[d][(minute * 3) + 2]) = (pm25, pm10, no2);
                var reading = Reading(layout[d].Device, 0, _start.AddMinutes(minute).AddSeconds(15), pm25, pm10, no2);
                (d != 0 ? others : minute < SensorQualityFeatures.HistoryMinutes - JobMinutes ? scoredEarlier : scored).Add(reading);
            }
        }

        await WriteReadingsFileAsync(scoredEarlier);
        await WriteReadingsFileAsync(others);
        var jobStart = _start.AddMinutes(SensorQualityFeatures.HistoryMinutes - JobMinutes);
        var job = new ScoreJob("j:air", "j", "air", "none", 1, scored.Count, jobStart, jobStart.AddMinutes(JobMinutes));

        var matrix = await Model().FeaturizeAsync(job, scored);

        // Training's definition (QualitySamples): the 4 nearest same-kind devices within 1.5 km, nearest first.
        var expected = new float[SensorQualityFeatures.Count];
        Assert.True(SensorQualityFeatures.TryCompute(SensorKind.Air, values[0], [values[1], values[2], values[3], values[4]], expected));
        Assert.Equal([layout[0].Device], matrix.Rows.Select(r => r.Entity));
        Assert.Equal(expected, matrix.Values);
        Assert.Equal(4, matrix.Values[12]);
        Assert.True(matrix.Values[4] > 1, $"neighbour deviation {matrix.Values[4]} of a drifting sensor");
    }

    private SensorQualityModel Model()
    {
        var blobs = new BlobServiceClient(azurite.ConnectionString);
        var layouts = new CityLayoutCache(
            new RoadNetworkStore(blobs), new DeviceRegistryStore(new TableServiceClient(azurite.ConnectionString)), new ScoringOptions(), TimeProvider.System);
        return new SensorQualityModel(new ReadingsFileHistory(blobs, TimeProvider.System), layouts);
    }

    private Task WriteReadingsFileAsync(IReadOnlyList<ReadingRow> rows) => ReadingsFiles.WriteAsync(azurite.ConnectionString, rows);

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
