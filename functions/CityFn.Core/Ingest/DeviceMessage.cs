namespace CityFn.Core.Ingest;

/// <summary>Where a device stands. <see cref="Segment"/> is the road segment id, required for traffic detectors.</summary>
public sealed record GeoLocation(double Lat, double Lon, string? Segment);

/// <summary>
/// One signed message from one device: <see cref="SampleCount"/> samples taken every
/// <see cref="IntervalSeconds"/> from <see cref="WindowStart"/>. <see cref="Samples"/> holds one array
/// per channel of <see cref="Kind"/>, in <see cref="SensorKinds.Channels"/> order; sample i was taken at
/// WindowStart + i × IntervalSeconds. The wire format is docs/wire-format.md.
/// </summary>
public sealed record DeviceMessage(
    string Device,
    long Sequence,
    SensorKind Kind,
    GeoLocation Location,
    DateTimeOffset WindowStart,
    int IntervalSeconds,
    IReadOnlyList<double[]> Samples)
{
    public const int SchemaVersion = 1;

    public int SampleCount => Samples.Count == 0 ? 0 : Samples[0].Length;

    /// <summary>The end of the window: the time just after the last sample's interval.</summary>
    public DateTimeOffset WindowEnd => WindowStart.AddSeconds((double)SampleCount * IntervalSeconds);

    public DateTimeOffset SampleTime(int index) => WindowStart.AddSeconds((double)index * IntervalSeconds);
}
