using CityFn.Core.Devices;
using CityFn.Core.Ingest.Capture;

namespace CityFn.Core.Ingest;

/// <summary>
/// Writes a capture file of plausible signed traffic messages from freshly generated device keys, with the
/// registrations that make them valid: for the ingest benchmark and CLI tests (the city simulator builds on it).
/// </summary>
public sealed class SyntheticCapture
{
    private SyntheticCapture(IReadOnlyList<DeviceKey> devices, IReadOnlyList<DeviceRegistration> registrations)
    {
        Devices = devices;
        Registrations = registrations;
    }

    public IReadOnlyList<DeviceKey> Devices { get; }

    public IReadOnlyList<DeviceRegistration> Registrations { get; }

    public static SyntheticCapture Create(int devices, string owner, DateTimeOffset registeredAt)
    {
        var keys = Enumerable.Range(0, devices).Select(_ => DeviceKey.Generate()).ToList();
        var registrations = keys.Select((k, i) => new DeviceRegistration(
            k.Address, owner, SensorKind.Traffic, Location(i), 1, registeredAt)).ToList();
        return new SyntheticCapture(keys, registrations);
    }

    /// <summary>
    /// Writes <paramref name="messages"/> messages of <paramref name="samplesPerMessage"/> 1-second samples,
    /// round-robin over the devices, enqueued at <paramref name="enqueued"/>. Sequence numbers start at
    /// <paramref name="firstSequence"/>. Returns the number of readings written.
    /// </summary>
    public long Write(Stream output, int messages, int samplesPerMessage, DateTimeOffset enqueued, long firstSequence = 1, CaptureCodec codec = CaptureCodec.Deflate)
    {
        var random = new Random(42);
        var enqueuedText = enqueued.UtcDateTime.ToString("M/d/yyyy h:mm:ss tt", System.Globalization.CultureInfo.InvariantCulture);
        using var writer = new CaptureFileWriter(output, codec);
        for (var m = 0; m < messages; m++)
        {
            var deviceIndex = m % Devices.Count;
            var key = Devices[deviceIndex];
            var sequence = firstSequence + (m / Devices.Count);
            var flow = new double[samplesPerMessage];
            var occupancy = new double[samplesPerMessage];
            var speed = new double[samplesPerMessage];
            for (var i = 0; i < samplesPerMessage; i++)
            {
                flow[i] = Math.Round(600 + (random.NextDouble() * 1200), 1);
                occupancy[i] = Math.Round(5 + (random.NextDouble() * 30), 2);
                speed[i] = Math.Round(40 + (random.NextDouble() * 70), 1);
            }

            var message = new DeviceMessage(key.Address, sequence, SensorKind.Traffic, Location(deviceIndex),
                enqueued.AddSeconds(-samplesPerMessage), 1, [flow, occupancy, speed]);
            var body = DeviceMessageJson.Serialize(message);
            writer.Write(new CaptureEvent(
                m, (m * 1024L).ToString(System.Globalization.CultureInfo.InvariantCulture), enqueuedText,
                new Dictionary<string, object?> { ["x-opt-partition-key"] = key.Address },
                new Dictionary<string, object?> { [CaptureEvent.SignatureProperty] = "0x" + Convert.ToHexStringLower(key.Sign(body)) },
                body));
        }

        return (long)messages * samplesPerMessage;
    }

    private static GeoLocation Location(int index) =>
        new(52.30 + ((index % 100) * 0.002), 4.80 + ((index / 100) * 0.002), $"SEG-{index:D5}");
}
