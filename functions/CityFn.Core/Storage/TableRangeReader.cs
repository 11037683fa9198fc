using Azure.Data.Tables;

namespace CityFn.Core.Storage;

/// <summary>
/// Reads a large slice of a table as several key ranges at once instead of one chain of 1,000-row pages: a
/// table query pages sequentially (each page waits for the previous continuation), so 100k rows are 100 round
/// trips in a row; split into ranges they run side by side. (Azurite also re-filters and re-sorts everything
/// after the continuation for every page, so there a long chain costs quadratic time.) Rows come back in key
/// order, exactly as one query would return them.
/// </summary>
public static class TableRangeReader
{
    private const int Parallelism = 8;

    /// <summary>
    /// Every row of <paramref name="partitionKey"/> (or of the whole table when null), in (PartitionKey, RowKey)
    /// order. <paramref name="boundaries"/> (ascending) cut the key space into ranges: RowKeys within a partition,
    /// PartitionKeys for a whole-table read. Together the ranges cover every key, so no row is missed whatever its key.
    /// </summary>
    public static async Task<List<TableEntity>> ReadAsync(
        TableClient table, string? partitionKey, IReadOnlyList<string> boundaries, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(table);
        ArgumentNullException.ThrowIfNull(boundaries);
        var key = partitionKey is null ? "PartitionKey" : "RowKey";
        var filters = new List<string>(boundaries.Count + 1);
        for (var i = 0; i <= boundaries.Count; i++)
        {
            var lower = i == 0 ? null : boundaries[i - 1];
            var upper = i == boundaries.Count ? null : boundaries[i];
            var range = (lower, upper) switch
            {
                (null, null) => null,
                (null, { } u) => $"{key} lt '{Escape(u)}'",
                ({ } l, null) => $"{key} ge '{Escape(l)}'",
                ({ } l, { } u) => $"{key} ge '{Escape(l)}' and {key} lt '{Escape(u)}'",
            };
            var partition = partitionKey is null ? null : $"PartitionKey eq '{Escape(partitionKey)}'";
            filters.Add(string.Join(" and ", new[] { partition, range }.Where(f => f is not null)));
        }

        var results = new List<TableEntity>[filters.Count];
        await Parallel.ForAsync(0, filters.Count, new ParallelOptions { MaxDegreeOfParallelism = Parallelism, CancellationToken = cancellationToken }, async (i, ct) =>
        {
            var rows = new List<TableEntity>();
            await foreach (var entity in table.QueryAsync<TableEntity>(filters[i].Length == 0 ? null : filters[i], cancellationToken: ct))
            {
                rows.Add(entity);
            }

            results[i] = rows;
        });
        return [.. results.SelectMany(r => r)];
    }

    /// <summary>Boundaries that split the keys starting with <paramref name="prefix"/> by their next hex digit (1 to f).</summary>
    public static IEnumerable<string> HexDigitBoundaries(string prefix) =>
        "123456789abcdef".Select(digit => prefix + digit);

    private static string Escape(string value) => value.Replace("'", "''", StringComparison.Ordinal);
}
