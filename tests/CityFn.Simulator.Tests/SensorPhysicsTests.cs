using CityFn.Core.Ingest;

namespace CityFn.Simulator.Tests;

/// <summary>Environmental sensors follow the traffic next to them and the weather.</summary>
public sealed class SensorPhysicsTests
{
    [Fact]
    public void Nitrogen_dioxide_beside_an_arterial_rises_when_an_incident_jams_it()
    {
        // Seed 21 on the 6×6 grid: blocking seg-r3c2-E from 07:20 jams it and the arterial upstream.
        var options = Scenario.City(seed: 21, minutes: 60, devices: 200) with { Start = Scenario.WeekdayAt(7) };
        var jammed = options with { Incidents = [new Incident("seg-r3c2-E", Scenario.WeekdayAt(7).AddMinutes(20), TimeSpan.FromHours(2), 0)] };
        var baseline = new CitySimulation(options);
        var blocked = new CitySimulation(jammed);
        var segment = baseline.Network.Segment("seg-r3c1-E");
        var sensor = baseline.Devices
            .Where(d => d.Kind == SensorKind.Air)
            .OrderBy(d => d.Nearby.Where(n => n.SegmentIndex == segment.Index).Select(n => n.DistanceMetres).DefaultIfEmpty(1e9).Min())
            .First();
        Assert.True(sensor.Nearby.Any(n => n.SegmentIndex == segment.Index && n.DistanceMetres < 60), "no air sensor beside seg-r3c1-E");

        var normalNo2 = LastMinutes(baseline, sensor, 15, channel: 2);
        var jammedNo2 = LastMinutes(blocked, sensor, 15, channel: 2);

        Assert.True(jammedNo2 > 1.3 * normalNo2, $"NO2 {jammedNo2:F1} µg/m³ with the jam vs {normalNo2:F1} without");
    }

    [Fact]
    public void Air_beside_busy_roads_carries_more_nitrogen_dioxide_than_beside_quiet_streets_at_the_peak()
    {
        var simulation = new CitySimulation(Scenario.City(seed: 4, minutes: 90, devices: 200) with { Start = Scenario.WeekdayAt(7) });
        var minutes = simulation.Run().Skip(60).ToList();
        // Traffic on the roads within 30 m, read from the traffic model, not from the sensor physics.
        double TrafficBeside(SimulatedDevice d) => d.Nearby.Where(n => n.DistanceMetres <= 30)
            .Sum(n => minutes.Average(m => m.Traffic.Readings[n.SegmentIndex].FlowVehPerHour + (1000 * m.Traffic.Readings[n.SegmentIndex].Occupancy)));
        var air = simulation.Devices.Where(d => d.Kind == SensorKind.Air).OrderBy(TrafficBeside).ToList();
        double MeanNo2(IEnumerable<SimulatedDevice> devices) => devices.SelectMany(d => minutes.Select(m => m.Readings[d.Index].Emitted![2])).Average();

        var quiet = MeanNo2(air.Take(air.Count / 3));
        var busy = MeanNo2(air.TakeLast(air.Count / 3));

        Assert.True(busy > quiet + 8, $"NO2 beside the busiest third of roads {busy:F1} µg/m³, beside the quietest third {quiet:F1}");
    }

    [Fact]
    public void Air_beside_arterials_carries_more_nitrogen_dioxide_than_beside_local_streets_at_the_peak()
    {
        var simulation = new CitySimulation(Scenario.City(seed: 4, minutes: 90, devices: 200) with { Start = Scenario.WeekdayAt(7) });
        var network = simulation.Network;
        var minutes = simulation.Run().Skip(60).ToList();
        var air = simulation.Devices.Where(d => d.Kind == SensorKind.Air).ToList();
        bool BesideArterial(SimulatedDevice d) => network.Segments[d.Nearby.MinBy(n => n.DistanceMetres)!.SegmentIndex].IsArterial;
        double MeanNo2(IEnumerable<SimulatedDevice> devices) => devices.SelectMany(d => minutes.Select(m => m.Readings[d.Index].Emitted![2])).Average();

        var arterial = MeanNo2(air.Where(BesideArterial));
        var local = MeanNo2(air.Where(d => !BesideArterial(d)));

        Assert.True(arterial > local + 5, $"NO2 beside arterials {arterial:F1} µg/m³, beside local streets {local:F1}");
    }

    [Fact]
    public void Temperature_follows_the_day_and_humidity_moves_the_other_way()
    {
        var options = Scenario.City(seed: 2, minutes: 24 * 60, devices: 30) with { Start = Scenario.WeekdayAt(0), Network = new NetworkOptions { Rows = 3, Columns = 3 } };
        var simulation = new CitySimulation(options);
        var minutes = simulation.Run().ToList();
        var weatherSensors = simulation.Devices.Where(d => d.Kind == SensorKind.Weather).ToList();
        Assert.NotEmpty(weatherSensors);
        double Mean(int fromHour, int channel) =>
            minutes.Skip(fromHour * 60).Take(120).SelectMany(m => weatherSensors.Select(d => m.Readings[d.Index].Emitted![channel])).Average();

        var night = (Temperature: Mean(3, 0), Humidity: Mean(3, 1));
        var afternoon = (Temperature: Mean(14, 0), Humidity: Mean(14, 1));

        Assert.True(afternoon.Temperature > night.Temperature + 4, $"14–16h {afternoon.Temperature:F1} °C, 03–05h {night.Temperature:F1} °C");
        Assert.True(afternoon.Humidity < night.Humidity - 10, $"14–16h {afternoon.Humidity:F0} %, 03–05h {night.Humidity:F0} %");
        // Healthy weather sensors agree with each other to within their site offsets.
        var spread = minutes.Max(m => weatherSensors.Max(d => m.Readings[d.Index].True[0]) - weatherSensors.Min(d => m.Readings[d.Index].True[0]));
        Assert.InRange(spread, 0.01, 3);
    }

    [Fact]
    public void Streets_are_louder_in_the_morning_peak_than_at_three_in_the_morning()
    {
        double MeanNoise(int hour)
        {
            var simulation = new CitySimulation(Scenario.City(seed: 6, minutes: 45, devices: 120) with { Start = Scenario.WeekdayAt(hour) });
            var noise = simulation.Devices.Where(d => d.Kind == SensorKind.Noise).ToList();
            return simulation.Run().Skip(30).SelectMany(m => noise.Select(d => m.Readings[d.Index].Emitted![0])).Average();
        }

        var peak = MeanNoise(7);
        var night = MeanNoise(2);

        Assert.True(peak > night + 6, $"LAeq {peak:F1} dB(A) at 07:30–07:45, {night:F1} dB(A) at 02:30–02:45");
        Assert.InRange(peak, 50, 80);
    }

    private static double LastMinutes(CitySimulation simulation, SimulatedDevice sensor, int count, int channel) =>
        simulation.Run().TakeLast(count).Average(m => m.Readings[sensor.Index].True[channel]);
}
