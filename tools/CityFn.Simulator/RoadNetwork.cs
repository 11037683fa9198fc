namespace CityFn.Simulator;

/// <summary>
/// A grid of intersections joined by directed segments in both directions. Block lengths vary per row gap and
/// column gap (drawn from the seed), so the grid stays geometrically consistent. Same options and seed give
/// the same network.
/// </summary>
public sealed class RoadNetwork
{
    private readonly Dictionary<string, RoadSegment> _byId;
    private readonly int[,,] _outgoing;

    private RoadNetwork(NetworkOptions options, IReadOnlyList<RoadSegment> segments, int[,,] outgoing)
    {
        Options = options;
        Segments = segments;
        _outgoing = outgoing;
        _byId = segments.ToDictionary(s => s.Id, StringComparer.Ordinal);
    }

    public NetworkOptions Options { get; }

    public IReadOnlyList<RoadSegment> Segments { get; }

    public int Rows => Options.Rows;

    public int Columns => Options.Columns;

    public static RoadNetwork Create(NetworkOptions options, int seed)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        var random = new Random(seed);
        double Block() => options.MinBlockLengthMetres
            + (random.NextDouble() * (options.MaxBlockLengthMetres - options.MinBlockLengthMetres));
        var rowGaps = Enumerable.Range(0, options.Rows - 1).Select(_ => Block()).ToArray();
        var columnGaps = Enumerable.Range(0, options.Columns - 1).Select(_ => Block()).ToArray();

        var segments = new List<RoadSegment>();
        var outgoing = new int[options.Rows, options.Columns, 4];
        for (var row = 0; row < options.Rows; row++)
        {
            for (var column = 0; column < options.Columns; column++)
            {
                foreach (var heading in DirectionExtensions.All)
                {
                    outgoing[row, column, (int)heading] = -1;
                    var (rowStep, columnStep) = heading.Step();
                    var toRow = row + rowStep;
                    var toColumn = column + columnStep;
                    if (toRow < 0 || toRow >= options.Rows || toColumn < 0 || toColumn >= options.Columns)
                    {
                        continue;
                    }

                    // A horizontal segment runs along its row; a vertical one along its column.
                    var horizontal = rowStep == 0;
                    var isArterial = (horizontal ? row : column) % options.ArterialEvery == 0;
                    var lengthMetres = horizontal ? columnGaps[Math.Min(column, toColumn)] : rowGaps[Math.Min(row, toRow)];
                    var lanes = isArterial ? options.ArterialLanes : options.LocalLanes;
                    var id = RoadSegment.IdFor(row, column, heading);
                    outgoing[row, column, (int)heading] = segments.Count;
                    segments.Add(new RoadSegment(
                        segments.Count,
                        id,
                        "det" + id[3..],
                        row,
                        column,
                        heading,
                        isArterial,
                        lengthMetres / 1000,
                        lanes,
                        isArterial ? options.ArterialFreeFlowSpeedKmh : options.LocalFreeFlowSpeedKmh,
                        lanes * options.JamDensityPerLaneVehPerKm,
                        lanes * options.CapacityPerLaneVehPerHour));
                }
            }
        }

        return new RoadNetwork(options, segments, outgoing);
    }

    public RoadSegment Segment(string segmentId) =>
        _byId.TryGetValue(segmentId, out var segment)
            ? segment
            : throw new ArgumentException($"Unknown segment '{segmentId}'. Ids look like 'seg-r3c4-E'.", nameof(segmentId));

    /// <summary>The segment leaving the intersection in <paramref name="heading"/>, or null at the grid edge.</summary>
    public RoadSegment? Outgoing(int row, int column, Direction heading)
    {
        var index = _outgoing[row, column, (int)heading];
        return index < 0 ? null : Segments[index];
    }
}
