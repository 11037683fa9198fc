using CityFn.Core.Ethereum;
using CityFn.Core.Devices;

namespace CityFn.Core.Ingest;

/// <summary>
/// Decides whether one captured event is an acceptable message, apart from the duplicate checks that need
/// stored state (done by the ingest stage against stored state). Checks run in the order docs/wire-format.md lists; the first
/// failure is the reason.
/// </summary>
public sealed class MessageValidator(IDeviceDirectory devices, IngestOptions options)
{
    public MessageVerdict Validate(ReadOnlySpan<byte> body, string? signatureHex, DateTimeOffset enqueuedTime)
    {
        var parsed = DeviceMessageJson.Parse(body);
        if (parsed.Message is not { } message)
        {
            return MessageVerdict.Reject(null, parsed.Reason!.Value, parsed.Detail!);
        }

        var device = message.Device;
        if (string.IsNullOrEmpty(signatureHex))
        {
            return MessageVerdict.Reject(device, RejectReason.MissingSignature, "the event has no \"sig\" application property");
        }

        Span<byte> signature = stackalloc byte[MessageSignature.Length];
        if (!TryDecodeSignature(signatureHex, signature))
        {
            return MessageVerdict.Reject(device, RejectReason.BadSignature, "\"sig\" must be 65 bytes as 130 hex digits (0x optional)");
        }

        var bodyHash = Keccak256.Hash(body);
        if (!MessageSignature.TryRecoverSignerOfHash(bodyHash, signature, out var signer))
        {
            return MessageVerdict.Reject(device, RejectReason.BadSignature, "the signature recovers no public key");
        }

        if (!string.Equals(signer, device, StringComparison.Ordinal))
        {
            return MessageVerdict.Reject(device, RejectReason.SignerNotDevice, $"signed by {signer}, not by the device");
        }

        if (devices.Find(device) is not { } registration)
        {
            return MessageVerdict.Reject(device, RejectReason.UnregisteredDevice, "the device is not registered to an owner");
        }

        if (registration.Kind != message.Kind)
        {
            return MessageVerdict.Reject(device, RejectReason.KindMismatch,
                $"the message is {SensorKinds.WireName(message.Kind)}, the device is registered as {SensorKinds.WireName(registration.Kind)}");
        }

        if (message.WindowEnd > enqueuedTime + options.MaxAhead)
        {
            return MessageVerdict.Reject(device, RejectReason.TimestampInFuture,
                $"the window ends at {DeviceMessageJson.FormatTime(message.WindowEnd)}, more than {options.MaxAhead} after it was enqueued");
        }

        if (message.WindowStart < enqueuedTime - options.MaxBehind)
        {
            return MessageVerdict.Reject(device, RejectReason.TimestampTooOld,
                $"the window starts at {DeviceMessageJson.FormatTime(message.WindowStart)}, more than {options.MaxBehind} before it was enqueued");
        }

        if (OutOfRange(message) is { } problem)
        {
            return MessageVerdict.Reject(device, RejectReason.ValueOutOfRange, problem);
        }

        return MessageVerdict.Accept(message, registration, bodyHash);
    }

    private static string? OutOfRange(DeviceMessage message)
    {
        if (message.Location.Lat is < -90 or > 90 || message.Location.Lon is < -180 or > 180)
        {
            return "the location is not a valid latitude/longitude";
        }

        var channels = SensorKinds.Channels(message.Kind);
        for (var c = 0; c < channels.Count; c++)
        {
            var channel = channels[c];
            var values = message.Samples[c];
            for (var i = 0; i < values.Length; i++)
            {
                if (values[i] < channel.Min || values[i] > channel.Max)
                {
                    return $"{channel.Name}[{i}] = {values[i]} is outside {channel.Min}..{channel.Max} {channel.Unit}";
                }
            }
        }

        return null;
    }

    private static bool TryDecodeSignature(string hex, Span<byte> signature)
    {
        var digits = hex.AsSpan();
        if (digits.StartsWith("0x", StringComparison.OrdinalIgnoreCase))
        {
            digits = digits[2..];
        }

        return digits.Length == MessageSignature.Length * 2
            && Convert.FromHexString(digits, signature, out _, out var written) == System.Buffers.OperationStatus.Done
            && written == MessageSignature.Length;
    }
}

/// <summary>The outcome for one event: an accepted message with its registration, or a reason and detail.</summary>
public sealed record MessageVerdict(
    DeviceMessage? Message, DeviceRegistration? Registration, byte[]? BodyHash, string? Device, RejectReason? Reason, string? Detail)
{
    public bool Accepted => Message is not null;

    public static MessageVerdict Accept(DeviceMessage message, DeviceRegistration registration, byte[] bodyHash) =>
        new(message, registration, bodyHash, message.Device, null, null);

    public static MessageVerdict Reject(string? device, RejectReason reason, string detail) => new(null, null, null, device, reason, detail);
}
