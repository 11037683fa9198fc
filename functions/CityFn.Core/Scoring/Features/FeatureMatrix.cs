namespace CityFn.Core.Scoring.Features;

/// <summary>
/// What one feature row is about: the entity scored (a road segment for forecasts, a device for quality),
/// the devices behind it and the moment the score is for. Forecast rows also carry the latest measured speed
/// and the segment's free-flow speed (km/h; null when unknown), from which the output turns a forecast speed
/// into a congestion level and alert.
/// </summary>
public sealed record FeatureRow(
    string Entity, string Kind, int Devices, DateTimeOffset BasedOn, DateTimeOffset For, double? LatestSpeedKmh = null, double? FreeFlowSpeedKmh = null);

/// <summary>Row-major FP32 features, <see cref="Columns"/> per row, with what each row is about.</summary>
public sealed class FeatureMatrix
{
    public FeatureMatrix(IReadOnlyList<FeatureRow> rows, float[] values, int columns)
    {
        ArgumentNullException.ThrowIfNull(rows);
        ArgumentNullException.ThrowIfNull(values);
        ArgumentOutOfRangeException.ThrowIfLessThan(columns, 1);
        if (values.Length != rows.Count * columns)
        {
            throw new ArgumentException($"{values.Length} values do not make {rows.Count} rows of {columns} features.", nameof(values));
        }

        Rows = rows;
        Values = values;
        Columns = columns;
    }

    public IReadOnlyList<FeatureRow> Rows { get; }

    public float[] Values { get; }

    public int Columns { get; }

    public static FeatureMatrix Empty(int columns) => new([], [], columns);

    /// <summary>Rows [start, start + count) as little-endian bytes, the OIP binary tensor layout.</summary>
    public byte[] ToBytes(int start, int count)
    {
        var bytes = new byte[count * Columns * sizeof(float)];
        var slice = Values.AsSpan(start * Columns, count * Columns);
        for (var i = 0; i < slice.Length; i++)
        {
            System.Buffers.Binary.BinaryPrimitives.WriteSingleLittleEndian(bytes.AsSpan(i * sizeof(float)), slice[i]);
        }

        return bytes;
    }
}
