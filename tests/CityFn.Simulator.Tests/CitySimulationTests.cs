using CityFn.Core.Ingest;

namespace CityFn.Simulator.Tests;

public sealed class CitySimulationTests
{
    [Fact]
    public void The_same_options_give_identical_readings_and_another_seed_differs()
    {
        var options = Scenario.City(seed: 11, minutes: 30, faultRate: 0.2);
        var first = Flatten(new CitySimulation(options));
        var again = Flatten(new CitySimulation(options));
        var other = Flatten(new CitySimulation(options with { Seed = 12 }));

        Assert.Equal(first, again);
        Assert.NotEqual(first, other);
    }

    [Fact]
    public void The_fault_rate_changes_only_the_faulty_minutes()
    {
        var clean = new CitySimulation(Scenario.City(seed: 5, minutes: 90, faultRate: 0)).Run().SelectMany(m => m.Readings).ToList();
        var faulty = new CitySimulation(Scenario.City(seed: 5, minutes: 90, faultRate: 0.3)).Run().SelectMany(m => m.Readings).ToList();

        Assert.All(clean, r => Assert.Equal(FaultKind.None, r.Fault));
        Assert.Contains(faulty, r => r.Fault != FaultKind.None);
        for (var i = 0; i < clean.Count; i++)
        {
            Assert.Equal(clean[i].True, faulty[i].True);
            if (faulty[i].Fault == FaultKind.None)
            {
                Assert.Equal(clean[i].Emitted, faulty[i].Emitted);
            }
        }
    }

    [Fact]
    public void About_the_requested_fraction_of_device_minutes_is_faulty_and_labels_match_the_episodes()
    {
        var simulation = new CitySimulation(Scenario.City(seed: 8, minutes: 600, faultRate: 0.1, devices: 120));
        var readings = simulation.Run().SelectMany(m => m.Readings).ToList();

        var faultyShare = readings.Count(r => r.Fault != FaultKind.None) / (double)readings.Count;
        Assert.InRange(faultyShare, 0.06, 0.14);
        foreach (var reading in readings)
        {
            var episode = simulation.Faults.SingleOrDefault(f => f.DeviceIndex == reading.Device.Index && f.Covers(reading.Minute));
            Assert.Equal(episode?.Kind ?? FaultKind.None, reading.Fault);
        }

        // Every kind occurs in a run this long.
        Assert.Equal(FaultKinds.All.Order(), readings.Select(r => r.Fault).Where(f => f != FaultKind.None).Distinct().Order());
    }

    [Fact]
    public void Devices_are_placed_by_kind_with_distinct_detector_segments_and_nearby_roads()
    {
        var simulation = new CitySimulation(Scenario.City(seed: 3, minutes: 1, devices: 100));
        var devices = simulation.Devices;

        Assert.Equal(100, devices.Count);
        Assert.Equal(50, devices.Count(d => d.Kind == SensorKind.Traffic));
        Assert.Equal(devices.Count(d => d.Kind == SensorKind.Traffic), devices.Where(d => d.SegmentId is not null).Select(d => d.SegmentId).Distinct().Count());
        Assert.True(devices.Count(d => d.Kind == SensorKind.Air) >= 15);
        Assert.True(devices.Count(d => d.Kind == SensorKind.Noise) >= 15);
        Assert.True(devices.Count(d => d.Kind == SensorKind.Weather) >= 10);
        // Every environmental sensor stands beside a road (8–25 m from its centre line).
        Assert.All(devices.Where(d => d.Kind != SensorKind.Traffic), d => Assert.InRange(d.Nearby.Min(n => n.DistanceMetres), 8, 25.001));
        Assert.All(devices, d => Assert.InRange(d.Lat, 52.3, 52.4));
    }

    [Fact]
    public void Nearest_devices_of_a_kind_are_other_devices_of_that_kind_by_distance()
    {
        var simulation = new CitySimulation(Scenario.City(seed: 3, minutes: 1, devices: 100));
        var sensor = simulation.Devices.First(d => d.Kind == SensorKind.Air);

        var nearest = simulation.NearestOfKind(sensor, 4);

        Assert.Equal(4, nearest.Count);
        Assert.All(nearest, d => Assert.Equal(SensorKind.Air, d.Kind));
        Assert.DoesNotContain(sensor, nearest);
        double Distance(SimulatedDevice d) => Math.Sqrt(((d.X - sensor.X) * (d.X - sensor.X)) + ((d.Y - sensor.Y) * (d.Y - sensor.Y)));
        Assert.Equal(nearest.Select(Distance).Order(), nearest.Select(Distance));
        var farthestChosen = Distance(nearest[^1]);
        Assert.All(simulation.Devices.Where(d => d.Kind == SensorKind.Air && d != sensor && !nearest.Contains(d)), d => Assert.True(Distance(d) >= farthestChosen));
    }

    [Fact]
    public void Emitted_values_always_lie_inside_the_wire_formats_valid_ranges()
    {
        var options = Scenario.City(seed: 21, minutes: 120, faultRate: 0.4, devices: 80) with { DemandScale = 3, Start = Scenario.WeekdayAt(7) };
        foreach (var reading in new CitySimulation(options).Run().SelectMany(m => m.Readings))
        {
            var channels = reading.Device.Channels;
            Assert.Equal(channels.Count, reading.True.Count);
            if (reading.Emitted is { } emitted)
            {
                for (var c = 0; c < channels.Count; c++)
                {
                    Assert.InRange(emitted[c], channels[c].Min, channels[c].Max);
                }
            }
        }
    }

    [Fact]
    public void Bad_options_are_refused_with_a_message_naming_the_setting()
    {
        Assert.Contains("FaultRate", Assert.Throws<ArgumentException>(() => new CitySimulation(Scenario.City(1, 10, faultRate: 1.5))).Message, StringComparison.Ordinal);
        Assert.Contains("Devices", Assert.Throws<ArgumentException>(() => new CitySimulation(Scenario.City(1, 10) with { Devices = 0 })).Message, StringComparison.Ordinal);
        Assert.Contains("whole minute", Assert.Throws<ArgumentException>(() => new CitySimulation(Scenario.City(1, 10) with { Start = Scenario.WeekdayAt(8).AddSeconds(5) })).Message, StringComparison.Ordinal);
        Assert.Contains("seg-r99c0-E", Assert.Throws<ArgumentException>(() => new CitySimulation(Scenario.City(1, 10) with
        {
            Incidents = [new Incident("seg-r99c0-E", Scenario.WeekdayAt(8), TimeSpan.FromMinutes(5), 0)],
        })).Message, StringComparison.Ordinal);
    }

    private static List<string> Flatten(CitySimulation simulation) =>
        [.. simulation.Run().SelectMany(m => m.Readings).Select(r =>
            $"{r.Device.Index} {r.Minute} {r.Fault} {r.ReplayOfMinute} {string.Join(',', r.True)} {(r.Emitted is null ? "-" : string.Join(',', r.Emitted))}")];
}
