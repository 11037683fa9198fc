using CityFn.Core.Ingest;

namespace CityFn.Simulator;

/// <summary>
/// The true (noise-free) value of every channel of a device in one minute, in wire channel order, from the
/// traffic on nearby segments and the weather. Traffic detectors read their segment's flow, occupancy (as
/// percent) and speed. Air and noise follow an emission index per segment: vehicles per hour with a
/// stop-and-go surcharge when slow, plus idling vehicles standing in a queue — so a jammed street pollutes
/// more than a free-flowing one, and the calm night air keeps more of it (weather dispersion).
/// </summary>
public static class SensorPhysics
{
    /// <summary>Emission weights fall off with distance from the road: e^(−d / 60 m).</summary>
    private const double EmissionDecayMetres = 60;

    public static double[] TrueValues(
        SimulatedDevice device, RoadNetwork network, MinuteReport traffic, WeatherState weather, double siteOffset)
    {
        ArgumentNullException.ThrowIfNull(device);
        ArgumentNullException.ThrowIfNull(network);
        ArgumentNullException.ThrowIfNull(traffic);
        ArgumentNullException.ThrowIfNull(weather);
        switch (device.Kind)
        {
            case SensorKind.Traffic:
                var reading = traffic.Readings[device.Nearby[0].SegmentIndex];
                return [reading.FlowVehPerHour, reading.Occupancy * 100, reading.SpeedKmh];
            case SensorKind.Air:
                var local = LocalEmission(device, network, traffic) * weather.Dispersion;
                return [
                    weather.BackgroundPm25 + (0.006 * local),
                    weather.BackgroundPm10 + (0.015 * local),
                    weather.BackgroundNo2 + (0.06 * local),
                ];
            case SensorKind.Noise:
                return [Loudness(device, network, traffic, weather)];
            case SensorKind.Weather:
                // A site offset (shade, paving, height) of up to about ±0.7 K; moister where it is cooler.
                return [weather.TemperatureC + siteOffset, Math.Clamp(weather.HumidityPct - (3 * siteOffset), 0, 100)];
            default:
                throw new ArgumentOutOfRangeException(nameof(device), device.Kind, "Unknown sensor kind.");
        }
    }

    /// <summary>Σ over nearby segments of e^(−d/60 m) × (flow × (1 + 1.5 × slowdown) + 8 × queued vehicles per km).</summary>
    public static double LocalEmission(SimulatedDevice device, RoadNetwork network, MinuteReport traffic)
    {
        ArgumentNullException.ThrowIfNull(device);
        ArgumentNullException.ThrowIfNull(network);
        ArgumentNullException.ThrowIfNull(traffic);
        var total = 0.0;
        foreach (var near in device.Nearby)
        {
            var segment = network.Segments[near.SegmentIndex];
            var reading = traffic.Readings[near.SegmentIndex];
            var slowdown = Math.Clamp(1 - (reading.SpeedKmh / segment.FreeFlowSpeedKmh), 0, 1);
            var standing = reading.Occupancy * segment.JamDensityVehPerKm;
            var emission = (reading.FlowVehPerHour * (1 + (1.5 * slowdown))) + (8 * standing * slowdown);
            total += Math.Exp(-near.DistanceMetres / EmissionDecayMetres) * emission;
        }

        return total;
    }

    /// <summary>
    /// LAeq in dB(A): energy sum of the city background and each nearby road's level, 38 + 10·log10(flow + 5)
    /// + 20·log10(max(speed, 15) / 50) at 15 m (≈70 dB for 1500 veh/h at 60 km/h), falling 15·log10 with distance.
    /// </summary>
    public static double Loudness(SimulatedDevice device, RoadNetwork network, MinuteReport traffic, WeatherState weather)
    {
        ArgumentNullException.ThrowIfNull(device);
        ArgumentNullException.ThrowIfNull(network);
        ArgumentNullException.ThrowIfNull(traffic);
        ArgumentNullException.ThrowIfNull(weather);
        var energy = Math.Pow(10, weather.BackgroundNoiseDba / 10);
        foreach (var near in device.Nearby)
        {
            var reading = traffic.Readings[near.SegmentIndex];
            var level = 38 + (10 * Math.Log10(reading.FlowVehPerHour + 5)) + (20 * Math.Log10(Math.Max(reading.SpeedKmh, 15) / 50))
                - (15 * Math.Log10(Math.Max(near.DistanceMetres, 15) / 15));
            energy += Math.Pow(10, level / 10);
        }

        return 10 * Math.Log10(energy);
    }
}
