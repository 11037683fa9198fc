using System.Text.Json;

namespace CityFn.Core.Ingest.Capture;

/// <summary>
/// The writer's schema from a capture file header, checked to be the EventData record. Capture has written
/// the property maps' value unions with and without a "null" branch over the years, so the union branches
/// are read from the header instead of being assumed.
/// </summary>
internal sealed class CaptureSchema
{
    private static readonly string[] FieldNames = ["SequenceNumber", "Offset", "EnqueuedTimeUtc", "SystemProperties", "Properties", "Body"];

    private CaptureSchema(string[] systemPropertyTypes, string[] propertyTypes, string[] bodyTypes, bool bodyIsUnion)
    {
        SystemPropertyTypes = systemPropertyTypes;
        PropertyTypes = propertyTypes;
        BodyTypes = bodyTypes;
        BodyIsUnion = bodyIsUnion;
    }

    /// <summary>Branches of the SystemProperties map's value union (one entry when it is not a union).</summary>
    public string[] SystemPropertyTypes { get; }

    public string[] PropertyTypes { get; }

    public string[] BodyTypes { get; }

    public bool BodyIsUnion { get; }

    public static CaptureSchema Parse(string json)
    {
        try
        {
            using var document = JsonDocument.Parse(json);
            var root = document.RootElement;
            if (root.GetProperty("type").GetString() != "record" || root.GetProperty("name").GetString() != "EventData")
            {
                throw new CaptureFormatException("The file's schema is not the Event Hubs Capture EventData record.");
            }

            var fields = root.GetProperty("fields").EnumerateArray().ToArray();
            if (fields.Length != FieldNames.Length || fields.Select(f => f.GetProperty("name").GetString()).SequenceEqual(FieldNames) is false)
            {
                throw new CaptureFormatException($"The EventData record must have the fields {string.Join(", ", FieldNames)} in that order.");
            }

            Expect(fields[0], "long");
            Expect(fields[1], "string");
            Expect(fields[2], "string");
            var body = fields[5].GetProperty("type");
            return new CaptureSchema(
                MapValueTypes(fields[3]), MapValueTypes(fields[4]), Branches(body), body.ValueKind == JsonValueKind.Array);
        }
        catch (Exception exception) when (exception is JsonException or KeyNotFoundException or InvalidOperationException)
        {
            throw new CaptureFormatException($"The file's schema cannot be read: {exception.Message}", exception);
        }
    }

    private static void Expect(JsonElement field, string type)
    {
        if (field.GetProperty("type").ValueKind != JsonValueKind.String || field.GetProperty("type").GetString() != type)
        {
            throw new CaptureFormatException($"Field {field.GetProperty("name").GetString()} must be {type}.");
        }
    }

    private static string[] MapValueTypes(JsonElement field)
    {
        var type = field.GetProperty("type");
        if (type.ValueKind != JsonValueKind.Object || type.GetProperty("type").GetString() != "map")
        {
            throw new CaptureFormatException($"Field {field.GetProperty("name").GetString()} must be a map.");
        }

        return Branches(type.GetProperty("values"));
    }

    private static string[] Branches(JsonElement type) => type.ValueKind == JsonValueKind.Array
        ? type.EnumerateArray().Select(t => t.GetString() ?? throw new CaptureFormatException("Only primitive union branches are supported.")).ToArray()
        : [type.GetString() ?? throw new CaptureFormatException("Only primitive types are supported.")];
}
