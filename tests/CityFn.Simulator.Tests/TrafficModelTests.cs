namespace CityFn.Simulator.Tests;

public sealed class TrafficModelTests
{
    [Fact]
    public void The_same_seed_gives_identical_readings_and_another_seed_differs()
    {
        var first = Scenario.Run(Scenario.Model(42, Scenario.WeekdayAt(8)), 15);
        var again = Scenario.Run(Scenario.Model(42, Scenario.WeekdayAt(8)), 15);
        var other = Scenario.Run(Scenario.Model(43, Scenario.WeekdayAt(8)), 15);

        Assert.Equal(first.SelectMany(m => m.Readings), again.SelectMany(m => m.Readings));
        Assert.Equal(first[^1].VehiclesEntered, again[^1].VehiclesEntered);
        Assert.NotEqual(
            first.SelectMany(m => m.Readings).Select(r => r.FlowVehPerHour),
            other.SelectMany(m => m.Readings).Select(r => r.FlowVehPerHour));
    }

    [Fact]
    public void Vehicles_are_conserved_entered_minus_exited_equals_those_on_the_network()
    {
        var model = Scenario.Model(5, Scenario.WeekdayAt(7));
        model.ApplyIncident("seg-r3c2-E", 0);

        foreach (var minute in Scenario.Run(model, 40))
        {
            Assert.Equal(minute.VehiclesEntered - minute.VehiclesExited, minute.VehiclesOnNetwork, 6);
        }

        Assert.True(model.VehiclesEntered > 1000, $"only {model.VehiclesEntered} vehicles entered");
        Assert.True(model.VehiclesExited > 500, $"only {model.VehiclesExited} vehicles exited");
    }

    [Fact]
    public void Flows_stay_within_capacity_and_occupancy_within_jam_density_at_the_peak()
    {
        var network = RoadNetwork.Create(Scenario.SmallGrid, 9);
        // Four times the normal demand so that the network is congested.
        var model = new TrafficModel(network, Scenario.WeekdayAt(8), 9, demandScale: 4);
        model.ApplyIncident("seg-r3c3-E", 0.2);

        var readings = Scenario.Run(model, 45).SelectMany(m => m.Readings).ToList();

        foreach (var reading in readings)
        {
            var segment = network.Segment(reading.SegmentId);
            Assert.InRange(reading.FlowVehPerHour, 0, segment.CapacityVehPerHour + 1e-6);
            Assert.InRange(reading.Occupancy, 0, 1);
            Assert.InRange(reading.SpeedKmh, 0, segment.FreeFlowSpeedKmh);
        }

        // The demand really pushed some detectors to capacity and some queues close to jam, so the bounds mattered.
        Assert.Contains(readings, r => r.FlowVehPerHour > 0.9 * network.Segment(r.SegmentId).CapacityVehPerHour);
        Assert.Contains(readings, r => r.Occupancy > 0.8);
    }

    [Fact]
    public void An_empty_network_reads_free_flow_speed_and_no_flow()
    {
        var network = RoadNetwork.Create(Scenario.SmallGrid, 3);
        var model = new TrafficModel(network, Scenario.WeekdayAt(8), 3, demandScale: 0);

        var minute = model.StepMinute();

        Assert.All(minute.Readings, r =>
        {
            Assert.Equal(network.Segment(r.SegmentId).FreeFlowSpeedKmh, r.SpeedKmh);
            Assert.Equal(0, r.FlowVehPerHour);
            Assert.Equal(0, r.Occupancy);
        });
    }

    [Fact]
    public void Light_night_traffic_moves_at_free_flow_speed()
    {
        var network = RoadNetwork.Create(Scenario.SmallGrid, 3);
        var minutes = Scenario.Run(new TrafficModel(network, Scenario.WeekdayAt(3), 3), 20);

        var busy = minutes[^1].Readings.Where(r => r.FlowVehPerHour > 10).ToList();
        Assert.NotEmpty(busy);
        Assert.All(busy, r => Assert.Equal(network.Segment(r.SegmentId).FreeFlowSpeedKmh, r.SpeedKmh, 6));
    }

    [Fact]
    public void A_weekday_morning_carries_more_traffic_than_the_night_and_a_sunday_morning()
    {
        static double TotalFlow(DateTimeOffset start) =>
            Scenario.Run(Scenario.Model(11, start), 30).Skip(15).SelectMany(m => m.Readings).Sum(r => r.FlowVehPerHour);

        var weekdayEight = TotalFlow(Scenario.WeekdayAt(8));
        var weekdayThree = TotalFlow(Scenario.WeekdayAt(3));
        var sundayEight = TotalFlow(Scenario.SundayAt(8));

        Assert.True(weekdayEight > 3 * weekdayThree, $"08:00 {weekdayEight} vs 03:00 {weekdayThree}");
        Assert.True(weekdayEight > 2 * sundayEight, $"weekday {weekdayEight} vs Sunday {sundayEight}");
    }

    [Fact]
    public void A_blocked_segment_queues_back_into_the_upstream_segment_and_clears_afterwards()
    {
        const string Blocked = "seg-r3c2-E";
        const string Upstream = "seg-r3c1-E";
        var network = RoadNetwork.Create(Scenario.SmallGrid, 21);
        var normal = new TrafficModel(network, Scenario.WeekdayAt(7), 21);
        var incident = new TrafficModel(network, Scenario.WeekdayAt(7), 21);
        var warmUp = 20;
        var blockedMinutes = 40;
        Scenario.Run(normal, warmUp);
        Scenario.Run(incident, warmUp);

        incident.ApplyIncident(Blocked, 0);
        var normalPeak = Scenario.Run(normal, blockedMinutes)[^1];
        var incidentPeak = Scenario.Run(incident, blockedMinutes)[^1];

        var freeUpstream = Scenario.Reading(normalPeak, Upstream);
        var jammedUpstream = Scenario.Reading(incidentPeak, Upstream);
        var jammedBlocked = Scenario.Reading(incidentPeak, Blocked);
        Assert.True(jammedBlocked.Occupancy > 0.9, $"blocked segment occupancy {jammedBlocked.Occupancy}");
        Assert.Equal(0, jammedBlocked.FlowVehPerHour, 6);
        Assert.True(
            jammedUpstream.Occupancy > freeUpstream.Occupancy + 0.3,
            $"upstream occupancy {jammedUpstream.Occupancy} vs {freeUpstream.Occupancy} without the incident");
        Assert.True(
            jammedUpstream.SpeedKmh < 0.5 * freeUpstream.SpeedKmh,
            $"upstream speed {jammedUpstream.SpeedKmh} vs {freeUpstream.SpeedKmh} km/h without the incident");

        incident.ClearIncident(Blocked);
        var recovered = Scenario.Run(incident, 20)[^1];
        Assert.True(
            Scenario.Reading(recovered, Blocked).FlowVehPerHour > 0,
            "the blocked segment discharges once the incident is cleared");
        Assert.True(Scenario.Reading(recovered, Upstream).Occupancy < jammedUpstream.Occupancy);
    }

    [Fact]
    public void A_jam_from_an_incident_at_an_overloaded_peak_dissolves_once_the_incident_clears_and_demand_falls()
    {
        const string Blocked = "seg-r3c2-E";
        var network = RoadNetwork.Create(Scenario.SmallGrid, 21);
        // One and a half times the normal demand from 07:00 and an arterial blocked for an hour: far more than the grid can carry.
        var model = new TrafficModel(network, Scenario.WeekdayAt(7), 21, demandScale: 1.5);
        int Jammed(MinuteReport minute) => minute.Readings.Count(r => r.SpeedKmh < 0.6 * network.Segment(r.SegmentId).FreeFlowSpeedKmh);

        model.ApplyIncident(Blocked, 0);
        var duringIncident = Scenario.Run(model, 60);
        model.ClearIncident(Blocked);
        var afterwards = Scenario.Run(model, 13 * 60);

        var worst = duringIncident.Concat(afterwards).Max(Jammed);
        Assert.True(worst > network.Segments.Count / 10, $"at worst only {worst} of {network.Segments.Count} detectors jammed");
        // By 21:00 the queues have gone: diversion and drivers leaving the jam drain it as demand falls, instead of
        // leaving the grid locked for the rest of the day.
        var late = Jammed(afterwards[^1]);
        Assert.True(late == 0, $"{late} detectors still jammed at 21:00 (worst {worst}); by hour: {string.Join(", ", afterwards.Where((_, i) => i % 60 == 0).Select(Jammed))}");
        Assert.True(afterwards[^1].Readings.All(r => r.Occupancy < 0.5), "no detector still reads a queue at 21:00");
        // Drivers giving up on a held queue is part of what drains a jam this long, but most trips still end normally.
        Assert.True(
            model.VehiclesLeftJams > 0 && model.VehiclesLeftJams < 0.25 * model.VehiclesExited,
            $"{model.VehiclesLeftJams:F0} of {model.VehiclesExited:F0} vehicles left from jams");
    }

    [Fact]
    public void Drivers_held_behind_a_street_jammed_up_to_the_junction_turn_into_the_other_exits()
    {
        const string Blocked = "seg-r3c2-E";
        const string Upstream = "seg-r3c1-E";
        var network = RoadNetwork.Create(Scenario.SmallGrid, 21);
        var model = new TrafficModel(network, Scenario.WeekdayAt(7), 21);
        Scenario.Run(model, 20);

        model.ApplyIncident(Blocked, 0);
        var minutes = Scenario.Run(model, 60).Skip(40).ToList();

        // The blocked street is full to its entry, yet the queue behind it keeps moving: its drivers take the
        // junction's other exits (strict first-in-first-out would hold every one of them behind the blocked turn).
        Assert.All(minutes, m => Assert.True(Scenario.Reading(m, Blocked).Occupancy > 0.95, $"blocked occupancy {Scenario.Reading(m, Blocked).Occupancy}"));
        var upstreamFlow = minutes.Average(m => Scenario.Reading(m, Upstream).FlowVehPerHour);
        Assert.True(upstreamFlow > 100, $"the queue upstream moves only {upstreamFlow:F0} veh/h");
    }

    [Fact]
    public void An_incident_needs_a_known_segment_and_a_fraction_between_zero_and_one()
    {
        var model = Scenario.Model(1, Scenario.WeekdayAt(8));

        Assert.Throws<ArgumentException>(() => model.ApplyIncident("seg-nowhere", 0));
        Assert.Throws<ArgumentOutOfRangeException>(() => model.ApplyIncident("seg-r3c2-E", 1.5));
    }

    [Fact]
    public void A_time_step_too_long_for_the_shortest_cell_is_rejected()
    {
        var network = RoadNetwork.Create(Scenario.SmallGrid, 1);

        var error = Assert.Throws<ArgumentException>(() => new TrafficModel(network, Scenario.WeekdayAt(8), 1, stepSeconds: 30));
        Assert.Contains("free-flow step", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void The_default_city_carries_a_normal_weekday_morning_peak_without_gridlock()
    {
        var network = RoadNetwork.Create(new NetworkOptions(), 1);
        var minutes = Scenario.Run(new TrafficModel(network, Scenario.WeekdayAt(7), 1), 75);

        // Over the last half hour, about as many vehicles leave as enter: the network is in steady state, not filling up.
        var enteredLate = minutes[^1].VehiclesEntered - minutes[^31].VehiclesEntered;
        var exitedLate = minutes[^1].VehiclesExited - minutes[^31].VehiclesExited;
        Assert.True(exitedLate > 0.9 * enteredLate, $"entered {enteredLate} but only {exitedLate} left");
        Assert.True(minutes[^1].Readings.Count(r => r.Occupancy > 0.5) < network.Segments.Count / 20);
    }

    [Fact]
    public void Arterials_carry_more_vehicles_per_segment_than_local_streets_at_the_peak()
    {
        var network = RoadNetwork.Create(Scenario.SmallGrid, 4);
        var minutes = Scenario.Run(new TrafficModel(network, Scenario.WeekdayAt(7), 4), 90).Skip(60).ToList();
        double MeanFlow(bool arterial) => minutes.SelectMany(m => m.Readings.Where(r => network.Segment(r.SegmentId).IsArterial == arterial)).Average(r => r.FlowVehPerHour);

        Assert.True(MeanFlow(true) > 2 * MeanFlow(false), $"arterials {MeanFlow(true):F0} veh/h, local streets {MeanFlow(false):F0} veh/h");
    }
}
