using CityFn.Core.Features;
using CityFn.Core.Ingest;
using CityFn.Simulator;
using CityFn.Training.Quality;

namespace CityFn.Models.Tests.Features;

/// <summary>
/// Training builds quality rows straight from the simulator; serving will build them from the minute buckets
/// ingest stores. Both must hand the model the same floats.
/// </summary>
public sealed class TrainingServingParityTests
{
    [Fact]
    public void Quality_rows_from_ingest_minute_buckets_equal_the_training_rows_bit_for_bit()
    {
        var options = new SimulationOptions { Seed = 5, Devices = 30, Minutes = 150, FaultRate = 0.1 };
        var training = QualitySamples.Build([options]);
        Assert.True(training.Rows > 30);

        // Serving side: every emitted reading goes through ingest's minute aggregation, as a one-sample message.
        var simulation = new CitySimulation(options);
        var aggregator = new MinuteAggregator();
        var sequence = 0L;
        foreach (var minute in simulation.Run())
        {
            foreach (var reading in minute.Readings.Where(r => r.Emitted is not null))
            {
                var device = reading.Device;
                aggregator.Add(new DeviceMessage(
                    device.Id,
                    ++sequence,
                    device.Kind,
                    new GeoLocation(device.Lat, device.Lon, device.SegmentId),
                    minute.MinuteStart,
                    60,
                    [.. reading.Emitted!.Select(v => new[] { v })]));
            }
        }

        var buckets = aggregator.Buckets.ToDictionary(b => b.Key, b => b.Value);
        var row = new float[SensorQualityFeatures.Count];
        for (var r = 0; r < training.Rows; r++)
        {
            var device = simulation.Devices[training.Device[r]];
            var from = training.EndMinute[r] - SensorQualityFeatures.HistoryMinutes;
            var neighbours = QualitySamples.Neighbours(simulation.Devices, device)
                .Select(n => (ReadOnlyMemory<double>)History(buckets, simulation.Devices[n], options.Start, from))
                .ToArray();

            Assert.True(SensorQualityFeatures.TryCompute(device.Kind, History(buckets, device, options.Start, from), neighbours, row));

            Assert.Equal(training.Matrix.Row(r).ToArray(), row);
        }
    }

    /// <summary>What the scoring stage will read: the stored bucket mean per minute and channel, NaN where none.</summary>
    private static double[] History(Dictionary<MinuteKey, MinuteAggregate> buckets, SimulatedDevice device, DateTimeOffset start, int from)
    {
        var channels = device.Channels;
        var history = new double[SensorQualityFeatures.HistoryMinutes * channels.Count];
        for (var t = 0; t < SensorQualityFeatures.HistoryMinutes; t++)
        {
            for (var c = 0; c < channels.Count; c++)
            {
                var key = new MinuteKey(device.Id, start.AddMinutes(from + t), channels[c].Name);
                history[(t * channels.Count) + c] = buckets.TryGetValue(key, out var bucket) ? bucket.Mean : double.NaN;
            }
        }

        return history;
    }
}
