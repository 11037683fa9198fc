using CityFn.Core.Ingest;

namespace CityFn.Simulator;

/// <summary>
/// What a healthy device adds to the truth: counting noise on flow, a few percent plus an offset on the other
/// channels (low-cost optical PM and electrochemical NO2 sensors are noisier than loops). Values are then
/// clamped to the channel's valid range and rounded as a device would report them.
/// </summary>
public static class MeasurementNoise
{
    /// <summary>A typical variation of each channel (wire order per kind), the unit fault magnitudes are scaled by.</summary>
    public static IReadOnlyList<double> Scale(SensorKind kind) => kind switch
    {
        SensorKind.Traffic => [400, 8, 12],
        SensorKind.Air => [6, 10, 12],
        SensorKind.Noise => [5],
        SensorKind.Weather => [2.5, 8],
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "Unknown sensor kind."),
    };

    public static double[] Measure(SensorKind kind, IReadOnlyList<double> truth, Random random)
    {
        ArgumentNullException.ThrowIfNull(truth);
        ArgumentNullException.ThrowIfNull(random);
        var values = new double[truth.Count];
        switch (kind)
        {
            case SensorKind.Traffic:
                // Vehicles arrive in platoons, not evenly: about half the Poisson spread of a one-minute count.
                values[0] = truth[0] + (0.5 * 60 * Math.Sqrt((truth[0] / 60) + 0.25) * random.NextGaussian());
                values[1] = truth[1] + ((0.3 + (0.05 * truth[1])) * random.NextGaussian());
                values[2] = truth[2] + ((1.5 + (0.03 * truth[2])) * random.NextGaussian());
                break;
            case SensorKind.Air:
                values[0] = (truth[0] * (1 + (0.08 * random.NextGaussian()))) + (0.7 * random.NextGaussian());
                values[1] = (truth[1] * (1 + (0.08 * random.NextGaussian()))) + (1.2 * random.NextGaussian());
                values[2] = (truth[2] * (1 + (0.06 * random.NextGaussian()))) + (1.5 * random.NextGaussian());
                break;
            case SensorKind.Noise:
                values[0] = truth[0] + (0.8 * random.NextGaussian());
                break;
            case SensorKind.Weather:
                values[0] = truth[0] + (0.15 * random.NextGaussian());
                values[1] = truth[1] + (1.2 * random.NextGaussian());
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(kind), kind, "Unknown sensor kind.");
        }

        return Report(kind, values);
    }

    /// <summary>Clamps each value into its channel's valid range and rounds it to the device's resolution.</summary>
    public static double[] Report(SensorKind kind, double[] values)
    {
        ArgumentNullException.ThrowIfNull(values);
        var channels = SensorKinds.Channels(kind);
        var decimals = kind == SensorKind.Weather ? 2 : 1;
        for (var c = 0; c < values.Length; c++)
        {
            values[c] = Math.Round(Math.Clamp(values[c], channels[c].Min, channels[c].Max), decimals);
        }

        return values;
    }
}
