namespace CityFn.Core.Ingest.Capture;

/// <summary>
/// One event as Event Hubs Capture stores it (Avro record Microsoft.ServiceBus.Messaging.EventData).
/// Property values are long, double, string or byte[] as Capture writes them.
/// </summary>
public sealed record CaptureEvent(
    long SequenceNumber,
    string Offset,
    string EnqueuedTimeUtc,
    IReadOnlyDictionary<string, object?> SystemProperties,
    IReadOnlyDictionary<string, object?> Properties,
    byte[]? Body)
{
    /// <summary>The Capture schema, exactly as Event Hubs writes it into every file's header.</summary>
    public const string AvroSchema =
        """{"type":"record","name":"EventData","namespace":"Microsoft.ServiceBus.Messaging","fields":[{"name":"SequenceNumber","type":"long"},{"name":"Offset","type":"string"},{"name":"EnqueuedTimeUtc","type":"string"},{"name":"SystemProperties","type":{"type":"map","values":["long","double","string","bytes"]}},{"name":"Properties","type":{"type":"map","values":["long","double","string","bytes"]}},{"name":"Body","type":["null","bytes"]}]}""";

    /// <summary>The application property that carries the device signature.</summary>
    public const string SignatureProperty = "sig";

    /// <summary>Capture writes EnqueuedTimeUtc in the invariant culture's general format (e.g. "11/25/2026 12:00:00 PM"); both it and ISO 8601 parse here.</summary>
    public DateTimeOffset EnqueuedTime =>
        DateTimeOffset.TryParse(
            EnqueuedTimeUtc, System.Globalization.CultureInfo.InvariantCulture,
            System.Globalization.DateTimeStyles.AssumeUniversal | System.Globalization.DateTimeStyles.AdjustToUniversal, out var time)
            ? time
            : throw new FormatException($"EnqueuedTimeUtc \"{EnqueuedTimeUtc}\" is not a time.");

    public string? Signature => Properties.GetValueOrDefault(SignatureProperty) switch
    {
        string text => text,
        byte[] bytes => System.Text.Encoding.UTF8.GetString(bytes),
        _ => null,
    };
}

/// <summary>A capture file that is not valid Avro of the Capture schema, or ends early.</summary>
public sealed class CaptureFormatException : Exception
{
    public CaptureFormatException()
        : this("The capture file is not valid Event Hubs Capture Avro.")
    {
    }

    public CaptureFormatException(string message)
        : base(message)
    {
    }

    public CaptureFormatException(string message, Exception? innerException)
        : base(message, innerException)
    {
    }
}
