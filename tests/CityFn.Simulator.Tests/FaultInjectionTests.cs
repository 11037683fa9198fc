namespace CityFn.Simulator.Tests;

/// <summary>Each fault kind leaves the mark it is documented to leave, on the minutes it is labelled on.</summary>
public sealed class FaultInjectionTests
{
    private static readonly Lazy<(CitySimulation Simulation, List<DeviceReading> Readings)> Run = new(() =>
    {
        var simulation = new CitySimulation(Scenario.City(seed: 17, minutes: 480, faultRate: 0.25, devices: 60));
        return (simulation, simulation.Run().SelectMany(m => m.Readings).ToList());
    });

    [Fact]
    public void A_stuck_device_repeats_exactly_the_last_value_it_sent_before_the_fault()
    {
        var (simulation, readings) = Run.Value;
        var episodes = Episodes(simulation, FaultKind.StuckAt);
        foreach (var episode in episodes)
        {
            var before = Reading(readings, episode.DeviceIndex, episode.StartMinute - 1).Emitted!;
            for (var minute = episode.StartMinute; minute < episode.EndMinute; minute++)
            {
                Assert.Equal(before, Reading(readings, episode.DeviceIndex, minute).Emitted);
            }
        }
    }

    [Fact]
    public void A_dropout_sends_nothing_and_healthy_minutes_always_send()
    {
        var (_, readings) = Run.Value;
        Assert.Contains(readings, r => r.Fault == FaultKind.Dropout);
        Assert.All(readings, r => Assert.Equal(r.Fault == FaultKind.Dropout, r.Emitted is null));
    }

    [Fact]
    public void A_replay_resends_the_values_of_an_earlier_healthy_minute()
    {
        var (simulation, readings) = Run.Value;
        Assert.NotEmpty(Episodes(simulation, FaultKind.Replayed));
        foreach (var reading in readings.Where(r => r.Fault == FaultKind.Replayed))
        {
            var source = Reading(readings, reading.Device.Index, reading.ReplayOfMinute!.Value);
            Assert.True(source.Minute < reading.Minute);
            Assert.Equal(FaultKind.None, source.Fault);
            Assert.Equal(source.Emitted, reading.Emitted);
        }

        Assert.All(readings.Where(r => r.Fault != FaultKind.Replayed), r => Assert.Null(r.ReplayOfMinute));
    }

    [Fact]
    public void A_drifting_device_moves_steadily_further_from_the_truth()
    {
        var (simulation, readings) = Run.Value;
        var episodes = Episodes(simulation, FaultKind.Drift).Where(e => e.LengthMinutes >= 30).ToList();
        Assert.NotEmpty(episodes);
        foreach (var episode in episodes)
        {
            double Error(int minute)
            {
                var reading = Reading(readings, episode.DeviceIndex, minute);
                var scale = MeasurementNoise.Scale(reading.Device.Kind);
                return Enumerable.Range(0, scale.Count).Sum(c => Math.Abs(reading.Emitted![c] - reading.True[c]) / scale[c]);
            }

            var early = Enumerable.Range(episode.StartMinute, 5).Average(Error);
            var late = Enumerable.Range(episode.EndMinute - 5, 5).Average(Error);
            Assert.True(late > early + 1, $"drift on device {episode.DeviceIndex}: error {early:F2} early, {late:F2} late");
        }
    }

    [Fact]
    public void Spikes_and_excess_noise_deviate_far_more_than_healthy_measurement_noise()
    {
        var (_, readings) = Run.Value;
        double Deviation(DeviceReading reading)
        {
            var scale = MeasurementNoise.Scale(reading.Device.Kind);
            return Enumerable.Range(0, scale.Count).Max(c => Math.Abs(reading.Emitted![c] - reading.True[c]) / scale[c]);
        }

        var healthy = readings.Where(r => r.Fault == FaultKind.None).Select(Deviation).Order().ToList();
        var healthy99 = healthy[(int)(healthy.Count * 0.99)];
        var spikes = readings.Where(r => r.Fault == FaultKind.Spike).Select(Deviation).ToList();
        var noisy = readings.Where(r => r.Fault == FaultKind.ExcessNoise).Select(Deviation).ToList();

        Assert.NotEmpty(spikes);
        Assert.True(healthy99 < 1.5, $"healthy 99th percentile deviation {healthy99:F2} typical variations");
        Assert.True(spikes.Min() > 3 * healthy99, $"smallest spike {spikes.Min():F2}, healthy p99 {healthy99:F2}");
        Assert.True(noisy.Average() > 2 * healthy.Average() + 1, $"excess noise mean deviation {noisy.Average():F2}, healthy {healthy.Average():F2}");
    }

    [Fact]
    public void A_spoofed_device_sends_plausible_values_that_do_not_follow_its_local_truth()
    {
        var (simulation, readings) = Run.Value;
        var episodes = Episodes(simulation, FaultKind.Spoofed).Where(e => e.LengthMinutes >= 30).ToList();
        Assert.NotEmpty(episodes);
        foreach (var episode in episodes)
        {
            var window = Enumerable.Range(episode.StartMinute, episode.LengthMinutes).Select(m => Reading(readings, episode.DeviceIndex, m)).ToList();
            var channels = window[0].Device.Channels;
            // Plausible: inside the valid range, and not stuck.
            Assert.All(window, r => Assert.All(r.Emitted!, (v, c) => Assert.InRange(v, channels[c].Min, channels[c].Max)));
            var repeats = window.Zip(window.Skip(1)).Count(p => p.First.Emitted!.SequenceEqual(p.Second.Emitted!));
            Assert.True(repeats <= window.Count / 10, $"spoofed {window[0].Device.Kind} device {episode.DeviceIndex} repeated itself {repeats} times in {window.Count} minutes");
        }

        // Fabricated: per kind, spoofed values stray from the local truth several times as far as healthy ones do.
        foreach (var kind in readings.Where(r => r.Fault == FaultKind.Spoofed).Select(r => r.Device.Kind).Distinct())
        {
            var scale = MeasurementNoise.Scale(kind);
            double MeanError(FaultKind fault) => readings.Where(r => r.Device.Kind == kind && r.Fault == fault)
                .Average(r => Enumerable.Range(0, scale.Count).Average(c => Math.Abs(r.Emitted![c] - r.True[c]) / scale[c]));
            var spoofed = MeanError(FaultKind.Spoofed);
            var healthy = MeanError(FaultKind.None);
            Assert.True(spoofed > 2.5 * healthy, $"{kind}: spoofed values {spoofed:F2} typical variations from the truth, healthy {healthy:F2}");
        }
    }

    private static List<FaultEpisode> Episodes(CitySimulation simulation, FaultKind kind) =>
        [.. simulation.Faults.Where(f => f.Kind == kind && f.StartMinute > 0)];

    private static DeviceReading Reading(List<DeviceReading> readings, int device, int minute) =>
        readings[(minute * Run.Value.Simulation.Devices.Count) + device];
}
