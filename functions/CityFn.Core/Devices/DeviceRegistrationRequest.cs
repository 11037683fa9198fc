using System.Text.Json.Serialization;
using CityFn.Core.Ingest;

namespace CityFn.Core.Devices;

/// <summary>
/// POST /api/devices body. Both the owner (payout wallet) and the device sign the same EIP-712
/// DeviceRegistration (<see cref="DeviceRegistrationTypedData"/>): the owner's signature says where rewards go,
/// the device's proves the owner holds the device, so nobody can register someone else's device to
/// their own wallet. Location in degrees × 10^7; signatures 65 bytes hex (r || s || v).
/// </summary>
public sealed record DeviceRegistrationRequest(
    string Device,
    string Owner,
    string Kind,
    long LatE7,
    long LonE7,
    string? Segment,
    long Nonce,
    string? OwnerSignature = null,
    string? DeviceSignature = null);

/// <summary>The outcome of a registration attempt; <see cref="Reason"/> is a stable code when refused.</summary>
public sealed record DeviceRegistrationResult(bool Stored, string? Reason, string? Detail, DeviceRegistrationView? Registration);

/// <summary>A registration as the API shows it.</summary>
/// <remarks><see cref="Ingest"/> (GET /api/devices/{address} only): what ingest accepted and rejected from the device.</remarks>
public sealed record DeviceRegistrationView(string Device, string Owner, string Kind, double Lat, double Lon, string? Segment, long Nonce, DateTimeOffset RegisteredAt)
{
    public static DeviceRegistrationView From(DeviceRegistration registration)
    {
        ArgumentNullException.ThrowIfNull(registration);
        return new(registration.Device, registration.Owner, SensorKinds.WireName(registration.Kind),
            registration.Location.Lat, registration.Location.Lon, registration.Location.Segment, registration.Nonce, registration.RegisteredAt);
    }
}

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(DeviceRegistrationRequest))]
[JsonSerializable(typeof(DeviceRegistrationResult))]
[JsonSerializable(typeof(DeviceRegistrationView))]
public sealed partial class DeviceJsonContext : JsonSerializerContext;
