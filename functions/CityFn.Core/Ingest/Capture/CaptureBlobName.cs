using System.Diagnostics.CodeAnalysis;
using System.Globalization;

namespace CityFn.Core.Ingest.Capture;

/// <summary>
/// Capture's default blob layout {namespace}/{hub}/{partition}/{yyyy}/{MM}/{dd}/{HH}/{mm}/{ss}.avro, and the
/// source id derived from it that names every output of one capture file (so a re-run overwrites).
/// </summary>
public sealed record CaptureBlobName(string Namespace, string Hub, string Partition, DateTimeOffset WindowStart)
{
    public override string ToString() => string.Create(CultureInfo.InvariantCulture,
        $"{Namespace}/{Hub}/{Partition}/{WindowStart.UtcDateTime:yyyy'/'MM'/'dd'/'HH'/'mm'/'ss}.avro");

    public static bool TryParse(string? blobName, [NotNullWhen(true)] out CaptureBlobName? name)
    {
        name = null;
        var parts = blobName?.Split('/');
        if (parts is not { Length: 9 } || !parts[8].EndsWith(".avro", StringComparison.Ordinal))
        {
            return false;
        }

        var stamp = string.Join('/', parts[3..8]) + "/" + parts[8][..^5];
        if (!DateTime.TryParseExact(stamp, "yyyy'/'MM'/'dd'/'HH'/'mm'/'ss", CultureInfo.InvariantCulture,
                DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal, out var time))
        {
            return false;
        }

        name = new CaptureBlobName(parts[0], parts[1], parts[2], new DateTimeOffset(time, TimeSpan.Zero));
        return true;
    }

    /// <summary>
    /// A file-name- and RowKey-safe id for any capture blob name: the path with '/' as '_' and without ".avro"
    /// (e.g. "ns_traffic_0_2026_11_25_12_00_00"); underscores in the name are doubled to keep ids apart, and
    /// the characters a Table RowKey forbids (\ # ?, control characters) and '!' become '!' + two hex digits.
    /// </summary>
    public static string SourceId(string blobName)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(blobName);
        var trimmed = blobName.EndsWith(".avro", StringComparison.Ordinal) ? blobName[..^5] : blobName;
        var id = new System.Text.StringBuilder(trimmed.Length + 8);
        foreach (var c in trimmed)
        {
            _ = c switch
            {
                '_' => id.Append("__"),
                '/' => id.Append('_'),
                '\\' or '#' or '?' or '!' or < ' ' or (>= '\u007f' and <= '\u009f') => id.Append('!').Append(((int)c).ToString("x2", CultureInfo.InvariantCulture)),
                _ => id.Append(c),
            };
        }

        return id.ToString();
    }
}
