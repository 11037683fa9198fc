namespace CityFn.Simulator;

/// <summary>
/// Where things are: intersection positions in metres (x east, y south of intersection r0c0) from the block
/// lengths of the network, and a flat-earth mapping to WGS 84 around <see cref="OriginLat"/>/<see cref="OriginLon"/>
/// (plenty accurate over a few kilometres).
/// </summary>
public sealed class CityGeometry
{
    public const double OriginLat = 52.3800;
    public const double OriginLon = 4.8600;
    private const double MetresPerDegreeLat = 111_320;

    private readonly double[] _columnX;
    private readonly double[] _rowY;

    public CityGeometry(RoadNetwork network)
    {
        ArgumentNullException.ThrowIfNull(network);
        _columnX = new double[network.Columns];
        for (var column = 1; column < network.Columns; column++)
        {
            _columnX[column] = _columnX[column - 1] + (network.Outgoing(0, column - 1, Direction.East)!.LengthKm * 1000);
        }

        _rowY = new double[network.Rows];
        for (var row = 1; row < network.Rows; row++)
        {
            _rowY[row] = _rowY[row - 1] + (network.Outgoing(row - 1, 0, Direction.South)!.LengthKm * 1000);
        }
    }

    public (double X, double Y) Intersection(int row, int column) => (_columnX[column], _rowY[row]);

    /// <summary>The point <paramref name="fraction"/> of the way along <paramref name="segment"/>.</summary>
    public (double X, double Y) Along(RoadSegment segment, double fraction)
    {
        ArgumentNullException.ThrowIfNull(segment);
        var (x0, y0) = Intersection(segment.FromRow, segment.FromColumn);
        var (x1, y1) = Intersection(segment.ToRow, segment.ToColumn);
        return (x0 + ((x1 - x0) * fraction), y0 + ((y1 - y0) * fraction));
    }

    /// <summary>Shortest distance in metres from a point to the centre line of <paramref name="segment"/>.</summary>
    public double DistanceTo(RoadSegment segment, double x, double y)
    {
        ArgumentNullException.ThrowIfNull(segment);
        var (x0, y0) = Intersection(segment.FromRow, segment.FromColumn);
        var (x1, y1) = Intersection(segment.ToRow, segment.ToColumn);
        var dx = x1 - x0;
        var dy = y1 - y0;
        var t = Math.Clamp((((x - x0) * dx) + ((y - y0) * dy)) / ((dx * dx) + (dy * dy)), 0, 1);
        var px = x0 + (t * dx) - x;
        var py = y0 + (t * dy) - y;
        return Math.Sqrt((px * px) + (py * py));
    }

    public static (double Lat, double Lon) ToLatLon(double x, double y) =>
        (OriginLat - (y / MetresPerDegreeLat),
         OriginLon + (x / (MetresPerDegreeLat * Math.Cos(OriginLat * Math.PI / 180))));
}
