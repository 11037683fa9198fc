namespace CityFn.Simulator;

/// <summary>
/// A lane closure or crash at the downstream end of <see cref="SegmentId"/>: from <see cref="Start"/> for
/// <see cref="Duration"/>, the segment's outflow capacity is <see cref="RemainingCapacity"/> of normal (0 blocks it).
/// </summary>
public sealed record Incident(string SegmentId, DateTimeOffset Start, TimeSpan Duration, double RemainingCapacity)
{
    public DateTimeOffset End => Start + Duration;
}
