using CityFn.Core.Devices;
using CityFn.Core.Ingest;
using CityFn.Core.Ingest.Capture;

namespace CityFn.Core.Tests.Ingest;

/// <summary>Valid signed messages and capture events built from keys generated at run time.</summary>
internal static class TestMessages
{
    public static readonly DateTimeOffset Enqueued = new(2026, 11, 25, 12, 1, 0, TimeSpan.Zero);

    public static DeviceMessage Message(DeviceKey key, long sequence = 1, SensorKind kind = SensorKind.Traffic, int samples = 60, DateTimeOffset? windowStart = null)
    {
        var channels = SensorKinds.Channels(kind);
        var values = channels.Select((c, ci) => Enumerable.Range(0, samples)
            .Select(i => Math.Round(c.Min + ((c.Max - c.Min) * (((i * 7) + (ci * 13) + sequence) % 50) / 100.0), 2)).ToArray()).ToArray();
        return new DeviceMessage(
            key.Address, sequence, kind,
            new GeoLocation(52.3702, 4.8952, kind == SensorKind.Traffic ? "NL-AMS-A10-042" : null),
            windowStart ?? Enqueued.AddSeconds(-samples), 1, values);
    }

    public static DeviceRegistration Registration(DeviceKey key, SensorKind kind = SensorKind.Traffic, string owner = "0x00000000000000000000000000000000000000aa") =>
        new(key.Address, owner, kind, new GeoLocation(52.3702, 4.8952, "NL-AMS-A10-042"), 1, Enqueued.AddDays(-1));

    public static CaptureEvent Event(long sequenceNumber, byte[] body, string? signatureHex, DateTimeOffset? enqueued = null, string? partitionKey = null)
    {
        var properties = new Dictionary<string, object?>();
        if (signatureHex is not null)
        {
            properties[CaptureEvent.SignatureProperty] = signatureHex;
        }

        var system = new Dictionary<string, object?> { ["x-opt-enqueued-time"] = (enqueued ?? Enqueued).ToUnixTimeMilliseconds() };
        if (partitionKey is not null)
        {
            system["x-opt-partition-key"] = partitionKey;
        }

        return new CaptureEvent(
            sequenceNumber, (sequenceNumber * 1000).ToString(System.Globalization.CultureInfo.InvariantCulture),
            (enqueued ?? Enqueued).UtcDateTime.ToString("M/d/yyyy h:mm:ss tt", System.Globalization.CultureInfo.InvariantCulture),
            system, properties, body);
    }

    public static CaptureEvent SignedEvent(DeviceKey key, DeviceMessage message, long sequenceNumber, DateTimeOffset? enqueued = null)
    {
        var body = DeviceMessageJson.Serialize(message);
        return Event(sequenceNumber, body, "0x" + Convert.ToHexStringLower(key.Sign(body)), enqueued, key.Address);
    }
}
