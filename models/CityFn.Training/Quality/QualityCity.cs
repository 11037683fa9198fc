using CityFn.Core.Ingest;
using CityFn.Simulator;

namespace CityFn.Training.Quality;

/// <summary>
/// What one simulated city's devices emitted, minute by minute, with the fault behind each minute: the raw
/// material of <see cref="QualitySamples"/>, kept apart from the features so they can be recomputed without
/// simulating again.
/// </summary>
/// <param name="Kinds">Each device's kind, by device index.</param>
/// <param name="Values">Per device, row-major [minute, channel] emitted values, NaN where nothing was emitted.</param>
/// <param name="Labels">Per device and minute, the fault the device was in (None when healthy).</param>
/// <param name="Neighbours">Per device, its neighbours (<see cref="QualitySamples.Neighbours"/>), nearest first.</param>
/// <param name="Minutes">Minutes simulated.</param>
public sealed record QualityCity(
    IReadOnlyList<SensorKind> Kinds,
    double[][] Values,
    FaultKind[][] Labels,
    int[][] Neighbours,
    int Minutes)
{
    public static QualityCity Simulate(SimulationOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var simulation = new CitySimulation(options);
        var devices = simulation.Devices;
        var minutes = options.Minutes;
        var values = devices.Select(d => new double[minutes * d.Channels.Count]).ToArray();
        var labels = devices.Select(_ => new FaultKind[minutes]).ToArray();
        foreach (var minute in simulation.Run())
        {
            foreach (var reading in minute.Readings)
            {
                var channels = reading.Device.Channels.Count;
                for (var c = 0; c < channels; c++)
                {
                    values[reading.Device.Index][(minute.Minute * channels) + c] = reading.Emitted?[c] ?? double.NaN;
                }

                labels[reading.Device.Index][minute.Minute] = reading.Fault;
            }
        }

        return new QualityCity(
            [.. devices.Select(d => d.Kind)],
            values,
            labels,
            [.. devices.Select(d => QualitySamples.Neighbours(devices, d))],
            minutes);
    }
}
