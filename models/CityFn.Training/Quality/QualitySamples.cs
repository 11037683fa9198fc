using CityFn.Core.Features;
using CityFn.Core.Ingest;
using CityFn.Simulator;
using CityFn.Training.Trees;

namespace CityFn.Training.Quality;

/// <summary>
/// Quality rows of one simulated city: one per device every <see cref="Hop"/> minutes, features from
/// <see cref="SensorQualityFeatures"/> (the serving code) over the window ending there, label 1 when the window
/// is faulty. A window is faulty when at least <see cref="MinFaultyMinutes"/> of its minutes carry one fault
/// kind (a spike: one minute; drift: <see cref="MinDriftMinutes"/>, as its first minutes are invisible by
/// construction); windows with fewer faulty minutes than that are ambiguous and left out of training and metrics.
/// </summary>
public sealed class QualitySamples
{
    public const int Hop = 10;
    public const int MinFaultyMinutes = 3;
    public const int MinDriftMinutes = 10;

    /// <summary>Neighbours: up to this many nearest devices of the same kind…</summary>
    public const int MaxNeighbours = 4;

    /// <summary>…within this distance.</summary>
    public const double NeighbourRadiusMetres = 1500;

    private QualitySamples(FeatureMatrix matrix, FaultKind[] kind, SensorKind[] deviceKind, int[] device, int[] endMinute, int ambiguous)
    {
        Device = device;
        EndMinute = endMinute;
        Matrix = matrix;
        Kind = kind;
        DeviceKind = deviceKind;
        Ambiguous = ambiguous;
    }

    public FeatureMatrix Matrix { get; }

    /// <summary>The window's fault kind (None for a clean window).</summary>
    public FaultKind[] Kind { get; }

    public SensorKind[] DeviceKind { get; }

    /// <summary>Index of the device (in its city) each row scores.</summary>
    public int[] Device { get; }

    /// <summary>Minute (exclusive) at which each row's window ends.</summary>
    public int[] EndMinute { get; }

    /// <summary>Windows left out because too few of their minutes were faulty to call.</summary>
    public int Ambiguous { get; }

    public int Rows => Kind.Length;

    public static QualitySamples Build(IEnumerable<SimulationOptions> cities)
    {
        ArgumentNullException.ThrowIfNull(cities);
        return Build(cities.Select(QualityCity.Simulate));
    }

    /// <summary>The rows of recorded cities (see <see cref="QualityCity"/>).</summary>
    public static QualitySamples Build(IEnumerable<QualityCity> cities)
    {
        ArgumentNullException.ThrowIfNull(cities);
        var builder = new FeatureMatrixBuilder(SensorQualityFeatures.Count);
        var kinds = new List<FaultKind>();
        var deviceKinds = new List<SensorKind>();
        var deviceIndex = new List<int>();
        var endMinute = new List<int>();
        var ambiguous = 0;
        var row = new float[SensorQualityFeatures.Count];
        foreach (var city in cities)
        {
            var values = city.Values;
            var labels = city.Labels;
            const int history = SensorQualityFeatures.HistoryMinutes;
            for (var end = history; end <= city.Minutes; end += Hop)
            {
                for (var device = 0; device < city.Kinds.Count; device++)
                {
                    var kind = city.Kinds[device];
                    var channels = SensorQualityFeatures.TypicalVariation(kind).Count;
                    var label = WindowLabel(labels[device], end);
                    if (label is null)
                    {
                        ambiguous++;
                        continue;
                    }

                    var from = (end - history) * channels;
                    var others = city.Neighbours[device]
                        .Select(n => new ReadOnlyMemory<double>(values[n], from, history * channels))
                        .ToArray();
                    if (SensorQualityFeatures.TryCompute(kind, values[device].AsSpan(from, history * channels), others, row))
                    {
                        builder.Add(row, label == FaultKind.None ? 0 : 1);
                        kinds.Add(label.Value);
                        deviceKinds.Add(kind);
                        deviceIndex.Add(device);
                        endMinute.Add(end);
                    }
                    else
                    {
                        // An empty window is a dropout that ingest already sees as missing samples; the model never scores it.
                        ambiguous++;
                    }
                }
            }
        }

        return new QualitySamples(builder.Build(), [.. kinds], [.. deviceKinds], [.. deviceIndex], [.. endMinute], ambiguous);
    }

    public static QualitySamples Concat(IReadOnlyList<QualitySamples> parts)
    {
        ArgumentNullException.ThrowIfNull(parts);
        var values = parts.SelectMany(p => p.Matrix.Values).ToArray();
        var labels = parts.SelectMany(p => p.Matrix.Labels).ToArray();
        return new QualitySamples(
            new FeatureMatrix(SensorQualityFeatures.Count, values, labels),
            [.. parts.SelectMany(p => p.Kind)],
            [.. parts.SelectMany(p => p.DeviceKind)],
            [.. parts.SelectMany(p => p.Device)],
            [.. parts.SelectMany(p => p.EndMinute)],
            parts.Sum(p => p.Ambiguous));
    }

    /// <summary>The label of the window ending (exclusive) at minute <paramref name="end"/>; null when ambiguous.</summary>
    public static FaultKind? WindowLabel(FaultKind[] labels, int end)
    {
        ArgumentNullException.ThrowIfNull(labels);
        var counts = new int[Enum.GetValues<FaultKind>().Length];
        for (var t = end - SensorQualityFeatures.WindowMinutes; t < end; t++)
        {
            counts[(int)labels[t]]++;
        }

        var worst = FaultKind.None;
        for (var k = 1; k < counts.Length; k++)
        {
            if (counts[k] > counts[(int)worst] || (worst == FaultKind.None && counts[k] > 0))
            {
                worst = (FaultKind)k;
            }
        }

        if (worst == FaultKind.None)
        {
            return FaultKind.None;
        }

        var needed = worst switch
        {
            FaultKind.Spike => 1,
            FaultKind.Drift => MinDriftMinutes,
            _ => MinFaultyMinutes,
        };
        return counts[(int)worst] >= needed ? worst : null;
    }

    /// <summary>The device's neighbours: nearest devices of the same kind within the radius, nearest first.</summary>
    public static int[] Neighbours(IReadOnlyList<SimulatedDevice> devices, SimulatedDevice device) =>
        devices
            .Where(d => d.Index != device.Index && d.Kind == device.Kind)
            .Select(d => (d.Index, Distance: Math.Sqrt(((d.X - device.X) * (d.X - device.X)) + ((d.Y - device.Y) * (d.Y - device.Y)))))
            .Where(d => d.Distance <= NeighbourRadiusMetres)
            .OrderBy(d => d.Distance)
            .ThenBy(d => d.Index)
            .Take(MaxNeighbours)
            .Select(d => d.Index)
            .ToArray();
}
