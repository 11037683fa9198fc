using System.Text.Json.Serialization;

namespace CityFn.Core.Health;

/// <summary>Whether one storage service answered, and how fast.</summary>
public sealed record ServiceReachability(string Service, bool Reachable, double LatencyMs, string? Error);

/// <summary>What GET /api/health returns.</summary>
public sealed record HealthReport(string Version, bool Healthy, IReadOnlyList<ServiceReachability> Storage);

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(HealthReport))]
public sealed partial class HealthJsonContext : JsonSerializerContext;
