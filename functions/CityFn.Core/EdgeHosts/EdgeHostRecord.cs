using System.Text.Json.Serialization;

namespace CityFn.Core.EdgeHosts;

/// <summary>An edge host as the registry knows it. Status is "active" while heartbeats arrive, else "silent".</summary>
public sealed record EdgeHostRecord(
    [property: JsonPropertyName("address")] string Address,
    [property: JsonPropertyName("url")] string Url,
    [property: JsonPropertyName("models")] IReadOnlyList<string> Models,
    [property: JsonPropertyName("capacity")] long Capacity,
    [property: JsonPropertyName("registeredAt")] DateTimeOffset RegisteredAt,
    [property: JsonPropertyName("lastHeartbeat")] DateTimeOffset LastHeartbeat,
    [property: JsonPropertyName("status")] string Status);

/// <summary>The outcome of a registration: the stored record, or why it was refused.</summary>
public sealed record EdgeHostRegistrationResult(
    [property: JsonPropertyName("accepted")] bool Accepted,
    [property: JsonPropertyName("reason")] string? Reason,
    [property: JsonPropertyName("error")] string? Error,
    [property: JsonPropertyName("host")] EdgeHostRecord? Host)
{
    public static EdgeHostRegistrationResult Refused(string reason, string error) => new(false, reason, error, null);
}

/// <summary>Reason codes for refused registrations; stable strings clients can branch on.</summary>
public static class EdgeHostRefusals
{
    public const string Invalid = "invalid";
    public const string BadSignature = "bad_signature";
    public const string SignerMismatch = "signer_mismatch";
    public const string StaleTimestamp = "stale_timestamp";
    public const string Replayed = "replayed";
}

[JsonSerializable(typeof(SignedEdgeHostRegistration))]
[JsonSerializable(typeof(EdgeHostRegistrationResult))]
[JsonSerializable(typeof(IReadOnlyList<EdgeHostRecord>))]
[JsonSerializable(typeof(string[]))]
public sealed partial class EdgeHostsJsonContext : JsonSerializerContext;
