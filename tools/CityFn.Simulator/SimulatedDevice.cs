using CityFn.Core.Ingest;

namespace CityFn.Simulator;

/// <summary>
/// One simulated device. Traffic detectors sit at the midpoint of <see cref="SegmentId"/>; environmental
/// sensors stand beside a road, and <see cref="Nearby"/> lists the segments within 300 m that drive their
/// values. <see cref="X"/>/<see cref="Y"/> are metres east/south of intersection r0c0.
/// </summary>
public sealed record SimulatedDevice(
    int Index,
    string Id,
    SensorKind Kind,
    double Lat,
    double Lon,
    double X,
    double Y,
    string? SegmentId,
    IReadOnlyList<NearbySegment> Nearby)
{
    /// <summary>The channels this device reports, in wire order (names and valid ranges from the wire format).</summary>
    public IReadOnlyList<SensorChannel> Channels => SensorKinds.Channels(Kind);
}

/// <summary>A road segment near a sensor: its index in the network and the distance in metres to its centre line.</summary>
public sealed record NearbySegment(int SegmentIndex, double DistanceMetres);
