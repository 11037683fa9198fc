using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;
using CityFn.Core.Ethereum;

namespace CityFn.Core.Ingest;

/// <summary>The JSON body exactly as it travels; every member nullable so a missing one gets a precise error.</summary>
internal sealed record WireMessage(
    int? V,
    string? Device,
    long? Seq,
    string? Kind,
    WireLocation? Location,
    string? WindowStart,
    int? IntervalSeconds,
    Dictionary<string, double[]?>? Samples);

internal sealed record WireLocation(double? Lat, double? Lon, [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Segment);

/// <summary>Only the version, read first so a future version's shape is reported as unknown_schema_version, not malformed_body.</summary>
internal sealed record WireVersion(int? V);

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase, NumberHandling = JsonNumberHandling.Strict)]
[JsonSerializable(typeof(WireMessage))]
[JsonSerializable(typeof(WireVersion))]
internal sealed partial class DeviceMessageJsonContext : JsonSerializerContext;

/// <summary>Writes and reads message bodies (docs/wire-format.md).</summary>
public static class DeviceMessageJson
{
    /// <summary>At most this many samples per message (one hour at 1 s).</summary>
    public const int MaxSamples = 3600;

    public static byte[] Serialize(DeviceMessage message)
    {
        ArgumentNullException.ThrowIfNull(message);
        var channels = SensorKinds.Channels(message.Kind);
        var samples = new Dictionary<string, double[]?>(channels.Count);
        for (var i = 0; i < channels.Count; i++)
        {
            samples[channels[i].Name] = message.Samples[i];
        }

        var wire = new WireMessage(
            DeviceMessage.SchemaVersion,
            message.Device,
            message.Sequence,
            SensorKinds.WireName(message.Kind),
            new WireLocation(message.Location.Lat, message.Location.Lon, message.Location.Segment),
            FormatTime(message.WindowStart),
            message.IntervalSeconds,
            samples);
        return JsonSerializer.SerializeToUtf8Bytes(wire, DeviceMessageJsonContext.Default.WireMessage);
    }

    public static string FormatTime(DateTimeOffset time) =>
        time.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.FFFFFFF'Z'", CultureInfo.InvariantCulture);

    /// <summary>Parses a body; on failure says why with <see cref="RejectReason.MalformedBody"/> or <see cref="RejectReason.UnknownSchemaVersion"/>.</summary>
    public static MessageParseResult Parse(ReadOnlySpan<byte> body)
    {
        WireMessage? wire;
        try
        {
            wire = JsonSerializer.Deserialize(body, DeviceMessageJsonContext.Default.WireMessage);
        }
        catch (JsonException exception)
        {
            return VersionOf(body) is { } version && version != DeviceMessage.SchemaVersion
                ? MessageParseResult.Unknown(version)
                : MessageParseResult.Malformed($"not a valid JSON message: {exception.Message}");
        }

        if (wire is null)
        {
            return MessageParseResult.Malformed("the body is JSON null, not an object");
        }

        if (wire.V is null)
        {
            return MessageParseResult.Malformed("\"v\" (schema version) is missing");
        }

        if (wire.V != DeviceMessage.SchemaVersion)
        {
            return MessageParseResult.Unknown(wire.V.Value);
        }

        if (!EthAddress.TryParse(wire.Device, out var address))
        {
            return MessageParseResult.Malformed("\"device\" must be a 0x-prefixed 20-byte hex address (in mixed case, a valid EIP-55 checksum)");
        }

        var device = address.ToLowerHex();

        if (wire.Seq is not { } sequence || sequence < 0)
        {
            return MessageParseResult.Malformed("\"seq\" must be a non-negative integer");
        }

        if (!SensorKinds.TryParse(wire.Kind, out var kind))
        {
            return MessageParseResult.Malformed("\"kind\" must be one of traffic, air, noise, weather");
        }

        if (wire.Location is not { Lat: { } lat, Lon: { } lon } location)
        {
            return MessageParseResult.Malformed("\"location\" needs \"lat\" and \"lon\"");
        }

        if (kind == SensorKind.Traffic && string.IsNullOrWhiteSpace(location.Segment))
        {
            return MessageParseResult.Malformed("a traffic message needs \"location.segment\" (road segment id)");
        }

        if (!TryParseTime(wire.WindowStart, out var windowStart))
        {
            return MessageParseResult.Malformed("\"windowStart\" must be an RFC 3339 time with Z or an offset");
        }

        if (wire.IntervalSeconds is not { } interval || interval is < 1 or > 3600)
        {
            return MessageParseResult.Malformed("\"intervalSeconds\" must be an integer from 1 to 3600");
        }

        var channels = SensorKinds.Channels(kind);
        if (wire.Samples is null || wire.Samples.Count != channels.Count)
        {
            return MessageParseResult.Malformed(
                $"\"samples\" must have exactly the {SensorKinds.WireName(kind)} channels {string.Join(", ", channels.Select(c => c.Name))}");
        }

        var samples = new double[channels.Count][];
        for (var i = 0; i < channels.Count; i++)
        {
            if (!wire.Samples.TryGetValue(channels[i].Name, out var values) || values is null)
            {
                return MessageParseResult.Malformed($"\"samples.{channels[i].Name}\" is missing");
            }

            if (values.Length is 0 or > MaxSamples || (i > 0 && values.Length != samples[0].Length))
            {
                return MessageParseResult.Malformed($"every channel needs the same number of samples, 1 to {MaxSamples}");
            }

            samples[i] = values;
        }

        return MessageParseResult.Ok(new DeviceMessage(
            device, sequence, kind, new GeoLocation(lat, lon, location.Segment), windowStart, interval, samples));
    }

    private static int? VersionOf(ReadOnlySpan<byte> body)
    {
        try
        {
            return JsonSerializer.Deserialize(body, DeviceMessageJsonContext.Default.WireVersion)?.V;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private static bool TryParseTime(string? value, out DateTimeOffset time)
    {
        time = default;
        // An RFC 3339 time always carries 'Z' or an offset; a bare local time would be ambiguous.
        return value is { Length: >= 20 }
            && (value.EndsWith('Z') || value[^6] is '+' or '-')
            && DateTimeOffset.TryParse(value, CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal, out time);
    }
}

/// <summary>A parsed message, or why the body could not be one.</summary>
public readonly record struct MessageParseResult(DeviceMessage? Message, RejectReason? Reason, string? Detail)
{
    public static MessageParseResult Ok(DeviceMessage message) => new(message, null, null);

    public static MessageParseResult Malformed(string detail) => new(null, RejectReason.MalformedBody, detail);

    public static MessageParseResult Unknown(int version) =>
        new(null, RejectReason.UnknownSchemaVersion, $"schema version {version} is not supported (this reader knows {DeviceMessage.SchemaVersion})");
}
