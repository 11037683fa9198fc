using CityFn.Core.Ingest;

namespace CityFn.Simulator;

/// <summary>
/// Places devices on the network, deterministically from the seed: a share of them are traffic detectors on
/// distinct segments (random order), the rest environmental sensors beside random roads in a fixed kind
/// rotation (3 air : 3 noise : 2 weather).
/// </summary>
internal static class DevicePlacement
{
    public const double NearbyRadiusMetres = 300;

    private static readonly SensorKind[] EnvironmentalRotation =
    [
        SensorKind.Air, SensorKind.Noise, SensorKind.Weather, SensorKind.Air,
        SensorKind.Noise, SensorKind.Air, SensorKind.Noise, SensorKind.Weather,
    ];

    public static List<SimulatedDevice> Place(RoadNetwork network, CityGeometry geometry, int devices, double trafficShare, int seed)
    {
        var random = new Random(seed);
        var segmentOrder = Enumerable.Range(0, network.Segments.Count).ToArray();
        random.Shuffle(segmentOrder);
        var traffic = Math.Min(network.Segments.Count, (int)Math.Round(devices * trafficShare));
        var placed = new List<SimulatedDevice>(devices);
        for (var i = 0; i < traffic; i++)
        {
            var segment = network.Segments[segmentOrder[i]];
            var (x, y) = geometry.Along(segment, 0.5);
            var (lat, lon) = CityGeometry.ToLatLon(x, y);
            placed.Add(new SimulatedDevice(
                placed.Count, DeviceId(placed.Count), SensorKind.Traffic, lat, lon, x, y, segment.Id, [new NearbySegment(segment.Index, 0)]));
        }

        for (var i = 0; placed.Count < devices; i++)
        {
            var kind = EnvironmentalRotation[i % EnvironmentalRotation.Length];
            var segment = network.Segments[random.Next(network.Segments.Count)];
            var (x, y) = geometry.Along(segment, random.NextUniform(0.15, 0.85));
            // Beside the road, on either side: kerbside sensors stand 8–25 m from the centre line.
            var side = (random.Next(2) * 2) - 1;
            var offset = side * random.NextUniform(8, 25);
            var horizontal = segment.Heading is Direction.East or Direction.West;
            x += horizontal ? 0 : offset;
            y += horizontal ? offset : 0;
            var nearby = network.Segments
                .Select(s => new NearbySegment(s.Index, geometry.DistanceTo(s, x, y)))
                .Where(n => n.DistanceMetres <= NearbyRadiusMetres)
                .ToList();
            var (lat, lon) = CityGeometry.ToLatLon(x, y);
            placed.Add(new SimulatedDevice(placed.Count, DeviceId(placed.Count), kind, lat, lon, x, y, null, nearby));
        }

        return placed;
    }

    private static string DeviceId(int index) => $"dev-{index:D4}";
}
