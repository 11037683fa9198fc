using CityFn.Core.Ingest;
using CityFn.Core.Scoring.Outputs;

namespace CityFn.Core.Scoring;

/// <summary>What <c>GET /api/devices/{address}</c> shows: the registration, the latest quality score and the reading counts.</summary>
public sealed record DeviceDetails(
    string Device,
    string Owner,
    string Kind,
    double Lat,
    double Lon,
    string? Segment,
    long Nonce,
    DateTimeOffset RegisteredAt,
    DeviceQuality? Quality,
    DeviceIngestStats Ingest);
