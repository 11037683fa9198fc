using CityFn.Core.Ingest;

namespace CityFn.Simulator;

/// <summary>
/// Turns one device's healthy reports into what it really emits, following its fault episodes. Remembers
/// what it emitted (for stuck-at and replays); episode parameters (drift rates, noise level, spoof level)
/// are drawn at onset from the device's own fault-value stream.
/// </summary>
internal sealed class FaultInjector(SimulatedDevice device, RoadNetwork network, IReadOnlyList<FaultEpisode> episodes, Random random)
{
    private const int HistoryMinutes = 64;

    private readonly double[]?[] _history = new double[]?[HistoryMinutes];
    private readonly IReadOnlyList<double> _scale = MeasurementNoise.Scale(device.Kind);
    private int _episodeIndex;
    private FaultEpisode? _active;
    private double[] _episodeValues = [];
    private double _episodeLevel;

    public (double[]? Emitted, FaultKind Fault, int? ReplayOfMinute) Apply(int minute, DateTimeOffset time, double[] healthy)
    {
        if (_active is not null && !_active.Covers(minute))
        {
            _active = null;
        }

        if (_active is null && _episodeIndex < episodes.Count && episodes[_episodeIndex].StartMinute == minute)
        {
            _active = episodes[_episodeIndex++];
            Begin(_active, minute, healthy);
        }

        if (_active is null)
        {
            return Remember(minute, healthy, FaultKind.None, null);
        }

        var kind = _active.Kind;
        var values = (double[])healthy.Clone();
        switch (kind)
        {
            case FaultKind.StuckAt:
                values = (double[])_episodeValues.Clone();
                break;
            case FaultKind.Spike:
                var channel = random.Next(values.Length);
                var magnitude = random.NextUniform(5, 10) * _scale[channel];
                var max = device.Channels[channel].Max;
                values[channel] += values[channel] + magnitude <= max ? magnitude : -magnitude;
                break;
            case FaultKind.Drift:
                var elapsed = minute - _active.StartMinute + 1;
                for (var c = 0; c < values.Length; c++)
                {
                    values[c] += _episodeValues[c] * _scale[c] * elapsed;
                }

                break;
            case FaultKind.ExcessNoise:
                for (var c = 0; c < values.Length; c++)
                {
                    values[c] += _episodeLevel * _scale[c] * random.NextGaussian();
                }

                break;
            case FaultKind.Dropout:
                return Remember(minute, null, kind, null);
            case FaultKind.Spoofed:
                values = MeasurementNoise.Measure(device.Kind, SpoofedTruth(time), random);
                break;
            case FaultKind.Replayed:
                var source = minute - _active.ReplayLagMinutes;
                return Remember(minute, _history[source % HistoryMinutes], kind, source);
            default:
                throw new InvalidOperationException($"Unhandled fault kind {kind}.");
        }

        return Remember(minute, MeasurementNoise.Report(device.Kind, values), kind, null);
    }

    private void Begin(FaultEpisode episode, int minute, double[] healthy)
    {
        switch (episode.Kind)
        {
            case FaultKind.StuckAt:
                _episodeValues = (double[])(minute > 0 && _history[(minute - 1) % HistoryMinutes] is { } last ? last : healthy).Clone();
                break;
            case FaultKind.Drift:
                // Per channel: signed drift per minute, in typical variations.
                _episodeValues = [.. healthy.Select(_ => ((random.Next(2) * 2) - 1) * random.NextUniform(0.05, 0.15))];
                break;
            case FaultKind.ExcessNoise:
                _episodeLevel = random.NextUniform(2, 4);
                break;
            case FaultKind.Spoofed:
                _episodeLevel = random.NextUniform(0.8, 1.2);
                break;
            default:
                break;
        }
    }

    private (double[]? Emitted, FaultKind Fault, int? ReplayOfMinute) Remember(int minute, double[]? emitted, FaultKind fault, int? replayOf)
    {
        _history[minute % HistoryMinutes] = emitted;
        return (emitted, fault, replayOf);
    }

    /// <summary>A textbook weekday for the kind, at the episode's level: what a forger would fabricate.</summary>
    private double[] SpoofedTruth(DateTimeOffset time)
    {
        var hour = time.TimeOfDay.TotalHours;
        var busy = 0.15 + (0.85 * Math.Max(Bump(hour, 8, 1.5), Math.Max(0.8 * Bump(hour, 17.5, 2), 0.5 * Bump(hour, 13, 3))));
        var warm = Math.Cos(2 * Math.PI * (hour - 15) / 24);
        switch (device.Kind)
        {
            case SensorKind.Traffic:
                var segment = network.Segment(device.SegmentId!);
                var flow = 0.35 * _episodeLevel * segment.CapacityVehPerHour * busy;
                var speed = segment.FreeFlowSpeedKmh * (0.97 - (0.15 * busy));
                return [flow, 100 * flow / speed / segment.JamDensityVehPerKm, speed];
            case SensorKind.Air:
                return [_episodeLevel * (8 + (5 * busy)), _episodeLevel * (17 + (8 * busy)), _episodeLevel * (18 + (22 * busy))];
            case SensorKind.Noise:
                return [52 + (12 * busy * _episodeLevel)];
            case SensorKind.Weather:
                return [8 + (3 * warm * _episodeLevel), 80 - (9 * warm)];
            default:
                throw new InvalidOperationException($"Unknown sensor kind {device.Kind}.");
        }
    }

    private static double Bump(double hour, double centre, double width)
    {
        var distance = (hour - centre) / width;
        return Math.Exp(-0.5 * distance * distance);
    }
}
