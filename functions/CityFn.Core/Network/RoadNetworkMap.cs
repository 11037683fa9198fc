namespace CityFn.Core.Network;

/// <summary>
/// A city's road network as the product sees it (docs/road-network.md): directed segments with their ends,
/// lanes, road class, free-flow speed and the segments feeding them (upstream) and fed by them (downstream),
/// plus the IANA time zone the city's clocks run on. Published once per city as blob
/// <c>analytics/network/road-network.json</c> (<see cref="RoadNetworkStore"/>); the forecast features read
/// neighbours and local time from it. Check a map read from outside with <see cref="Validate"/>.
/// </summary>
public sealed record RoadNetworkMap(int Version, string TimeZone, IReadOnlyList<MapSegment> Segments)
{
    public const int CurrentVersion = 1;

    /// <summary>
    /// Every problem of the map, each naming where it is; empty when the map is usable. A map with problems is
    /// refused as a whole: a half-right neighbour list would silently skew every forecast.
    /// </summary>
    public IReadOnlyList<string> Validate()
    {
        var problems = new List<string>();
        if (Version != CurrentVersion)
        {
            problems.Add($"version must be {CurrentVersion}, got {Version}.");
        }

        if (string.IsNullOrWhiteSpace(TimeZone))
        {
            problems.Add("timeZone is required (an IANA id such as \"Europe/Amsterdam\" or \"UTC\").");
        }
        else if (!TimeZoneInfo.TryFindSystemTimeZoneById(TimeZone, out _))
        {
            problems.Add($"timeZone \"{TimeZone}\" is not a known time zone id (use an IANA id such as \"Europe/Amsterdam\" or \"UTC\").");
        }

        if (Segments is null || Segments.Count == 0)
        {
            problems.Add("segments must list at least one segment.");
            return problems;
        }

        var ids = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < Segments.Count; i++)
        {
            var segment = Segments[i];
            if (segment is null || string.IsNullOrWhiteSpace(segment.Id))
            {
                problems.Add($"segments[{i}]: id is required.");
                continue;
            }

            if (!ids.Add(segment.Id))
            {
                problems.Add($"segments[{i}]: id \"{segment.Id}\" appears more than once.");
            }

            problems.AddRange(segment.Problems().Select(p => $"segments[{i}] ({segment.Id}): {p}"));
        }

        for (var i = 0; i < Segments.Count; i++)
        {
            var segment = Segments[i];
            if (segment?.Id is null)
            {
                continue;
            }

            foreach (var (name, list) in new[] { ("upstream", segment.Upstream), ("downstream", segment.Downstream) })
            {
                foreach (var other in list ?? [])
                {
                    if (!ids.Contains(other))
                    {
                        problems.Add($"segments[{i}] ({segment.Id}): {name} names unknown segment \"{other}\".");
                    }
                    else if (other == segment.Id)
                    {
                        problems.Add($"segments[{i}] ({segment.Id}): {name} names the segment itself.");
                    }
                }
            }
        }

        return problems;
    }

    /// <summary>The map's time zone (call on a validated map).</summary>
    public TimeZoneInfo FindTimeZone() => TimeZoneInfo.FindSystemTimeZoneById(TimeZone);
}

/// <summary>A point in WGS 84 degrees.</summary>
public sealed record GeoPoint(double Lat, double Lon);

/// <summary>
/// One directed road segment, e.g. "seg-r3c4-E" (from intersection row 3 column 4, heading east). Upstream
/// segments end where this one starts (traffic flows from them into it); downstream ones start where it ends.
/// </summary>
public sealed record MapSegment(
    string Id,
    GeoPoint From,
    GeoPoint To,
    int Lanes,
    bool Arterial,
    double FreeFlowSpeedKmh,
    IReadOnlyList<string> Upstream,
    IReadOnlyList<string> Downstream)
{
    internal IEnumerable<string> Problems()
    {
        if (From is null || To is null)
        {
            yield return "from and to are required ({\"lat\": …, \"lon\": …}).";
        }
        else
        {
            foreach (var (name, point) in new[] { ("from", From), ("to", To) })
            {
                if (!(point.Lat is >= -90 and <= 90) || !(point.Lon is >= -180 and <= 180))
                {
                    yield return $"{name} must have lat in [-90, 90] and lon in [-180, 180], got ({point.Lat}, {point.Lon}).";
                }
            }
        }

        if (Lanes < 1)
        {
            yield return $"lanes must be at least 1, got {Lanes}.";
        }

        if (!(FreeFlowSpeedKmh is > 0 and <= 200))
        {
            yield return $"freeFlowSpeedKmh must be in (0, 200] km/h, got {FreeFlowSpeedKmh}.";
        }

        if (Upstream is null || Downstream is null)
        {
            yield return "upstream and downstream are required (empty lists at the network's edge).";
        }
    }
}
