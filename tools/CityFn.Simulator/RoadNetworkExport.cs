using CityFn.Core.Network;

namespace CityFn.Simulator;

/// <summary>
/// The simulated city as a <see cref="RoadNetworkMap"/>: what `cityfn simulate` writes to road-network.json.
/// Neighbours follow the traffic model's turns (no U-turns), exactly as the forecast model's training city
/// defines them (models/CityFn.Training TrafficScenario.Upstream/Downstream).
/// </summary>
public static class RoadNetworkExport
{
    /// <summary>
    /// The simulator's clocks are the UTC times it is given (the demand profile reads their wall-clock time),
    /// so the simulated city's time zone is UTC.
    /// </summary>
    public const string TimeZone = "UTC";

    public static RoadNetworkMap ToMap(RoadNetwork network)
    {
        ArgumentNullException.ThrowIfNull(network);
        var geometry = new CityGeometry(network);
        GeoPoint Point(int row, int column)
        {
            var (x, y) = geometry.Intersection(row, column);
            var (lat, lon) = CityGeometry.ToLatLon(x, y);
            return new GeoPoint(Math.Round(lat, 7), Math.Round(lon, 7));
        }

        return new RoadNetworkMap(
            RoadNetworkMap.CurrentVersion,
            TimeZone,
            [.. network.Segments.Select(s => new MapSegment(
                s.Id,
                Point(s.FromRow, s.FromColumn),
                Point(s.ToRow, s.ToColumn),
                s.Lanes,
                s.IsArterial,
                s.FreeFlowSpeedKmh,
                [.. Upstream(network, s).Select(u => u.Id)],
                [.. Downstream(network, s).Select(d => d.Id)]))]);
    }

    /// <summary>The segments leaving the end of <paramref name="segment"/>, except the U-turn.</summary>
    public static IEnumerable<RoadSegment> Downstream(RoadNetwork network, RoadSegment segment)
    {
        ArgumentNullException.ThrowIfNull(network);
        ArgumentNullException.ThrowIfNull(segment);
        return DirectionExtensions.All
            .Where(d => d != segment.Heading.Opposite())
            .Select(d => network.Outgoing(segment.ToRow, segment.ToColumn, d))
            .OfType<RoadSegment>();
    }

    /// <summary>The segments entering the start of <paramref name="segment"/>, except the one it would U-turn from.</summary>
    public static IEnumerable<RoadSegment> Upstream(RoadNetwork network, RoadSegment segment)
    {
        ArgumentNullException.ThrowIfNull(network);
        ArgumentNullException.ThrowIfNull(segment);
        return network.Segments.Where(s => s.ToRow == segment.FromRow && s.ToColumn == segment.FromColumn && s.Heading != segment.Heading.Opposite());
    }
}
