using Azure.Data.Tables;

namespace CityFn.Core.Ingest;

/// <summary>
/// Which keys a capture file's runs wrote rows under, so that a re-run can delete the rows it no longer
/// produces (the file changed, or the registry did). Table <see cref="IngestStorage.FilesTable"/>: PK source
/// id, one row per device with the ranges of minutes (aggregates), sequence numbers (claims) and ledger
/// epochs, and a row <c>_file</c> with the readings blob. A run extends the rows before it
/// writes under new keys (so a run that dies half way is still covered), and replaces them with exactly its
/// own coverage once it has swept. Its size is per device, never per message or minute.
/// </summary>
internal sealed class IngestFileManifest
{
    private const string FileRow = "_file";

    private readonly TableClient _table;
    private readonly string _sourceId;
    private readonly Dictionary<string, Coverage> _saved;
    private readonly Dictionary<string, Coverage> _run = new(StringComparer.Ordinal);

    private IngestFileManifest(TableClient table, string sourceId, Dictionary<string, Coverage> earlier, string? earlierReadingsBlob)
    {
        _table = table;
        _sourceId = sourceId;
        Earlier = earlier;
        EarlierReadingsBlob = earlierReadingsBlob;
        _saved = new Dictionary<string, Coverage>(earlier, StringComparer.Ordinal);
    }

    /// <summary>What earlier runs of the file covered, per device, as stored when this run started.</summary>
    public IReadOnlyDictionary<string, Coverage> Earlier { get; }

    public string? EarlierReadingsBlob { get; }

    public bool HasEarlierRuns => Earlier.Count > 0 || EarlierReadingsBlob is not null;

    public static async Task<IngestFileManifest> LoadAsync(TableClient table, string sourceId, CancellationToken cancellationToken)
    {
        var earlier = new Dictionary<string, Coverage>(StringComparer.Ordinal);
        string? readings = null;
        await foreach (var row in table.QueryAsync<TableEntity>(TableClient.CreateQueryFilter($"PartitionKey eq {sourceId}"), cancellationToken: cancellationToken))
        {
            if (row.RowKey == FileRow)
            {
                readings = row.GetString("ReadingsBlob");
                continue;
            }

            earlier[row.RowKey] = new Coverage(
                row.GetInt64(nameof(Coverage.MinuteLo)) ?? long.MaxValue, row.GetInt64(nameof(Coverage.MinuteHi)) ?? long.MinValue,
                row.GetInt64(nameof(Coverage.SeqLo)) ?? long.MaxValue, row.GetInt64(nameof(Coverage.SeqHi)) ?? long.MinValue,
                row.GetInt64(nameof(Coverage.LedgerLo)) ?? long.MaxValue, row.GetInt64(nameof(Coverage.LedgerHi)) ?? long.MinValue);
        }

        return new IngestFileManifest(table, sourceId, earlier, readings);
    }

    public void CoverDevice(string device) => Update(device, c => c);

    public void CoverMinutes(string device, DateTimeOffset first, DateTimeOffset last) =>
        Update(device, c => c with { MinuteLo = Math.Min(c.MinuteLo, first.UtcTicks), MinuteHi = Math.Max(c.MinuteHi, last.UtcTicks) });

    public void CoverSequence(string device, long sequence) =>
        Update(device, c => c with { SeqLo = Math.Min(c.SeqLo, sequence), SeqHi = Math.Max(c.SeqHi, sequence) });

    public void CoverLedgerEpoch(string device, long epoch) =>
        Update(device, c => c with { LedgerLo = Math.Min(c.LedgerLo, epoch), LedgerHi = Math.Max(c.LedgerHi, epoch) });

    /// <summary>Stores the rows whose coverage grew (earlier runs' coverage and this run's so far): call before writing under the new keys.</summary>
    public async Task SaveAsync(CancellationToken cancellationToken)
    {
        var grown = new List<TableEntity>();
        foreach (var (device, coverage) in _run)
        {
            var union = _saved.TryGetValue(device, out var saved) ? saved.Union(coverage) : coverage;
            if (!_saved.ContainsKey(device) || union != saved)
            {
                _saved[device] = union;
                grown.Add(Row(device, union));
            }
        }

        await TableWrites.UpsertAllAsync(_table, grown, 1, cancellationToken);
    }

    /// <summary>After the sweep: the manifest is exactly this run's coverage.</summary>
    public async Task ReplaceAsync(string? readingsBlob, CancellationToken cancellationToken)
    {
        var rows = _run.Select(r => Row(r.Key, r.Value)).ToList();
        rows.Add(new TableEntity(_sourceId, FileRow) { ["ReadingsBlob"] = readingsBlob });
        await TableWrites.UpsertAllAsync(_table, rows, 1, cancellationToken);
        await TableWrites.DeleteAllAsync(_table, _saved.Keys.Where(d => !_run.ContainsKey(d)).Select(d => (_sourceId, d)), cancellationToken);
    }

    private void Update(string device, Func<Coverage, Coverage> update) =>
        _run[device] = update(_run.TryGetValue(device, out var coverage) ? coverage : Coverage.None);

    private TableEntity Row(string device, Coverage c) => new(_sourceId, device)
    {
        [nameof(Coverage.MinuteLo)] = c.MinuteLo,
        [nameof(Coverage.MinuteHi)] = c.MinuteHi,
        [nameof(Coverage.SeqLo)] = c.SeqLo,
        [nameof(Coverage.SeqHi)] = c.SeqHi,
        [nameof(Coverage.LedgerLo)] = c.LedgerLo,
        [nameof(Coverage.LedgerHi)] = c.LedgerHi,
    };

    /// <summary>Inclusive ranges (empty when Lo &gt; Hi): minutes as UTC ticks, sequence numbers, ledger epochs.</summary>
    internal readonly record struct Coverage(long MinuteLo, long MinuteHi, long SeqLo, long SeqHi, long LedgerLo, long LedgerHi)
    {
        public static Coverage None { get; } = new(long.MaxValue, long.MinValue, long.MaxValue, long.MinValue, long.MaxValue, long.MinValue);

        public Coverage Union(Coverage other) => new(
            Math.Min(MinuteLo, other.MinuteLo), Math.Max(MinuteHi, other.MinuteHi), Math.Min(SeqLo, other.SeqLo), Math.Max(SeqHi, other.SeqHi),
            Math.Min(LedgerLo, other.LedgerLo), Math.Max(LedgerHi, other.LedgerHi));
    }
}
