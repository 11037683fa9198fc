using CityFn.Core.Devices;
using CityFn.Core.Ingest;
using CityFn.Core.Network;

namespace CityFn.Core.Scoring.Features;

/// <summary>
/// What the models need to know about the city beyond one job's readings: the road network map (null when none
/// is published), its time zone (UTC without a map), and the registered devices — traffic detectors per
/// road segment, and every device's kind and position for neighbour search.
/// </summary>
public sealed class CityLayout
{
    private readonly Dictionary<string, MapSegment> _segments;
    private readonly ILookup<string, string> _detectorsBySegment;

    public CityLayout(RoadNetworkMap? map, IReadOnlyCollection<DeviceRegistration> devices)
    {
        ArgumentNullException.ThrowIfNull(devices);
        Map = map;
        TimeZone = map?.FindTimeZone() ?? TimeZoneInfo.Utc;
        Devices = devices;
        _segments = map?.Segments.ToDictionary(s => s.Id, StringComparer.Ordinal) ?? new Dictionary<string, MapSegment>(StringComparer.Ordinal);
        _detectorsBySegment = devices
            .Where(d => d.Kind == SensorKind.Traffic && !string.IsNullOrEmpty(d.Location.Segment))
            .ToLookup(d => d.Location.Segment!, d => d.Device, StringComparer.Ordinal);
    }

    public RoadNetworkMap? Map { get; }

    public TimeZoneInfo TimeZone { get; }

    public IReadOnlyCollection<DeviceRegistration> Devices { get; }

    public MapSegment? Segment(string id) => _segments.GetValueOrDefault(id);

    /// <summary>Registered traffic detectors whose registration names <paramref name="segment"/>.</summary>
    public IEnumerable<string> DetectorsOn(string segment) => _detectorsBySegment[segment];
}

/// <summary>
/// The current <see cref="CityLayout"/>, read from storage (the published map, the device registry) and reused
/// for <see cref="ScoringOptions.LayoutRefresh"/>, so a job costs no extra reads and a republished map or a new
/// device is seen within that time.
/// </summary>
public sealed class CityLayoutCache(RoadNetworkStore network, DeviceRegistryStore registry, ScoringOptions options, TimeProvider timeProvider)
{
    // Concurrent jobs may both refresh at expiry: two reads, same result; cheaper than a lock the class must dispose.
    private volatile Snapshot? _current;

    public async Task<CityLayout> GetAsync(CancellationToken cancellationToken = default)
    {
        var now = timeProvider.GetUtcNow();
        if (_current is { } current && now - current.ReadAt < options.LayoutRefresh)
        {
            return current.Layout;
        }

        var map = await network.LoadAsync(cancellationToken);
        var devices = await registry.LoadDirectoryAsync(cancellationToken);
        var layout = new CityLayout(map, devices.All);
        _current = new Snapshot(layout, now);
        return layout;
    }

    private sealed record Snapshot(CityLayout Layout, DateTimeOffset ReadAt);
}
