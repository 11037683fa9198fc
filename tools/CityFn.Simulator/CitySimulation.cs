namespace CityFn.Simulator;

/// <summary>
/// The whole simulated city in memory: road network and traffic (seeded with <see cref="SimulationOptions.Seed"/>
/// itself, so <c>RoadNetwork.Create(options.Network, seed)</c> is the same network), devices placed on it,
/// incidents, weather, each device's true and emitted values and fault labels per minute. Everything is drawn
/// up front or from per-concern random streams, so the same options give identical output, and the fault
/// rate changes only the faults (never the true values or the healthy noise).
/// </summary>
public sealed class CitySimulation
{
    private readonly SimulationOptions _options;

    public CitySimulation(SimulationOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        _options = options;
        var seed = options.Seed;
        Network = RoadNetwork.Create(options.Network, seed);
        Geometry = new CityGeometry(Network);
        Devices = DevicePlacement.Place(Network, Geometry, options.Devices, options.TrafficShare, SeedMixer.Derive(seed, SeedStreams.Placement));
        foreach (var incident in options.Incidents)
        {
            Network.Segment(incident.SegmentId);
        }

        Incidents = [.. IncidentSchedule.Draw(Network, options.Start, options.Minutes, options.IncidentsPerDay,
                new Random(SeedMixer.Derive(seed, SeedStreams.Incidents)))
            .Concat(options.Incidents)
            .OrderBy(i => i.Start)];
        Faults = [.. Devices.SelectMany(d => FaultSchedule.Draw(
            d.Index, options.Minutes, options.FaultRate, options.FaultKinds, new Random(SeedMixer.Derive(seed, SeedStreams.Faults, d.Index))))];
    }

    public RoadNetwork Network { get; }

    public CityGeometry Geometry { get; }

    public IReadOnlyList<SimulatedDevice> Devices { get; }

    /// <summary>All incidents of the run (random and given), by start time.</summary>
    public IReadOnlyList<Incident> Incidents { get; }

    /// <summary>All fault episodes of the run, by device then start.</summary>
    public IReadOnlyList<FaultEpisode> Faults { get; }

    public SimulationOptions Options => _options;

    /// <summary>
    /// The <paramref name="count"/> devices of the same kind nearest to <paramref name="device"/> (straight-line
    /// distance, ties by index), itself excluded: the neighbours a quality check compares a sensor with.
    /// </summary>
    public IReadOnlyList<SimulatedDevice> NearestOfKind(SimulatedDevice device, int count)
    {
        ArgumentNullException.ThrowIfNull(device);
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        return [.. Devices
            .Where(d => d.Kind == device.Kind && d.Index != device.Index)
            .OrderBy(d => ((d.X - device.X) * (d.X - device.X)) + ((d.Y - device.Y) * (d.Y - device.Y)))
            .ThenBy(d => d.Index)
            .Take(count)];
    }

    /// <summary>Runs the simulation minute by minute. Each enumeration starts again from the beginning.</summary>
    public IEnumerable<SimulationMinute> Run()
    {
        var seed = _options.Seed;
        var traffic = new TrafficModel(Network, _options.Start, seed, demandScale: _options.DemandScale);
        var weather = new WeatherModel(_options.Start, SeedMixer.Derive(seed, SeedStreams.Weather));
        var noise = Devices.Select(d => new Random(SeedMixer.Derive(seed, SeedStreams.SensorNoise, d.Index))).ToArray();
        var siteOffsets = Devices.Select(d => 0.35 * new Random(SeedMixer.Derive(seed, SeedStreams.SiteOffset, d.Index)).NextGaussian()).ToArray();
        var faultsByDevice = Faults.ToLookup(f => f.DeviceIndex);
        var injectors = Devices.Select(d => new FaultInjector(
            d, Network, faultsByDevice[d.Index].ToList(), new Random(SeedMixer.Derive(seed, SeedStreams.FaultValues, d.Index)))).ToArray();

        for (var minute = 0; minute < _options.Minutes; minute++)
        {
            var time = _options.Start.AddMinutes(minute);
            foreach (var incident in Incidents)
            {
                // Later incidents on the same segment win; a clear only lifts an incident that is still the active one.
                if (incident.End == time)
                {
                    traffic.ClearIncident(incident.SegmentId);
                }
            }

            foreach (var incident in Incidents)
            {
                if (incident.Start <= time && incident.End > time)
                {
                    traffic.ApplyIncident(incident.SegmentId, incident.RemainingCapacity);
                }
            }

            var report = traffic.StepMinute();
            var state = weather.StepMinute();
            var readings = new DeviceReading[Devices.Count];
            foreach (var device in Devices)
            {
                var truth = SensorPhysics.TrueValues(device, Network, report, state, siteOffsets[device.Index]);
                var healthy = MeasurementNoise.Measure(device.Kind, truth, noise[device.Index]);
                var (emitted, fault, replayOf) = injectors[device.Index].Apply(minute, time, healthy);
                readings[device.Index] = new DeviceReading(device, minute, time, truth, emitted, fault, replayOf);
            }

            yield return new SimulationMinute(minute, time, state, report, readings);
        }
    }
}
