using Azure.Data.Tables;
using CityFn.Core.Devices;
using CityFn.Core.Ethereum;
using CityFn.Core.Storage;
using Microsoft.Extensions.Options;

namespace CityFn.Core.Rewards.Ledger;

/// <summary>
/// The persisted epoch ledger (docs/rewards.md "The epoch ledger store"): table <c>ledger</c>, one
/// partition per epoch, one row per (kind, address, source). Ingest and scoring record what they saw;
/// every write is an upsert that replaces the row, so re-running a source writes the same rows again and
/// changes nothing. <see cref="ReadAsync"/> aggregates an epoch's rows with the device registry into the
/// <see cref="EpochLedger"/> the allocator reads.
/// </summary>
public sealed class EpochLedgerStore(TableServiceClient tables, DeviceRegistryStore devices, IOptions<RewardsPolicyOptions> policy)
{
    private const int MaxTransaction = 100;

    private static readonly string[] RangeBoundaries =
    [
        .. new[] { LedgerKeys.Compute, LedgerKeys.Quality, LedgerKeys.Samples }
            .SelectMany(kind => TableRangeReader.HexDigitBoundaries(kind + "|0x")),
    ];

    private readonly RewardsPolicyOptions _policy = policy.Value;

    public Task RecordSamplesAsync(IEnumerable<SampleRecord> records, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(records);
        return UpsertAsync(records.Select(r =>
        {
            ArgumentOutOfRangeException.ThrowIfNegative(r.AcceptedSamples, nameof(SampleRecord.AcceptedSamples));
            var device = LedgerKeys.Address(r.Device, "device");
            return new TableEntity(LedgerKeys.Partition(r.Epoch), $"{LedgerKeys.Samples}|{device}|{LedgerKeys.SourceKey(r.Source)}")
            {
                ["Source"] = r.Source,
                ["AcceptedSamples"] = r.AcceptedSamples,
            };
        }), cancellationToken);
    }

    public Task RecordQualityAsync(IEnumerable<QualityRecord> records, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(records);
        return UpsertAsync(records.Select(r =>
        {
            ArgumentOutOfRangeException.ThrowIfNegative(r.Windows, nameof(QualityRecord.Windows));
            if (!double.IsFinite(r.QualitySum) || r.QualitySum < 0 || r.QualitySum > r.Windows)
            {
                throw new ArgumentException(
                    $"Ledger quality of {r.Device}: QualitySum {r.QualitySum} must be between 0 and Windows ({r.Windows}), each window's quality being in [0, 1].", nameof(records));
            }

            var device = LedgerKeys.Address(r.Device, "device");
            return new TableEntity(LedgerKeys.Partition(r.Epoch), $"{LedgerKeys.Quality}|{device}|{LedgerKeys.SourceKey(r.Source)}")
            {
                ["Source"] = r.Source,
                ["QualitySum"] = r.QualitySum,
                ["Windows"] = r.Windows,
            };
        }), cancellationToken);
    }

    public Task RecordComputeAsync(IEnumerable<ComputeRecord> records, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(records);
        return UpsertAsync(records.Select(r =>
        {
            ArgumentOutOfRangeException.ThrowIfNegative(r.VerifiedRows, nameof(ComputeRecord.VerifiedRows));
            var host = LedgerKeys.Address(r.Host, "host");
            return new TableEntity(LedgerKeys.Partition(r.Epoch), $"{LedgerKeys.Compute}|{host}|{LedgerKeys.ModelKey(r.Model)}|{LedgerKeys.SourceKey(r.Source)}")
            {
                ["Source"] = r.Source,
                ["Model"] = r.Model,
                ["VerifiedRows"] = r.VerifiedRows,
                ["Operator"] = LedgerKeys.Address(r.Operator, "operator"),
            };
        }), cancellationToken);
    }

    public Task RecordQuarantinesAsync(IEnumerable<QuarantineRecord> records, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(records);
        return UpsertAsync(records.Select(r =>
        {
            ArgumentNullException.ThrowIfNull(r.Reason);
            ArgumentNullException.ThrowIfNull(r.Evidence);
            var host = LedgerKeys.Address(r.Host, "host");
            return new TableEntity(LedgerKeys.Partition(r.Epoch), $"{LedgerKeys.Quarantine}|{host}")
            {
                ["Reason"] = r.Reason,
                ["Evidence"] = r.Evidence,
            };
        }), cancellationToken);
    }

    /// <summary>
    /// The epoch's rows summed per device and per (host, model), joined with the device registry:
    /// devices that are not registered (any more) are left out, as nobody could be paid for them.
    /// </summary>
    public async Task<EpochLedger> ReadAsync(long epoch, CancellationToken cancellationToken = default) =>
        (await ReadWithRegistryAsync(epoch, snapshot: null, cancellationToken)).Ledger;

    /// <summary>
    /// Like <see cref="ReadAsync"/>, and says which registrations were used. With a <paramref name="snapshot"/>
    /// (verify-epoch: the one the settlement recorded), a device the snapshot lists takes the snapshot's
    /// registration, or stays out when the snapshot lists it as unregistered; any other device (rows recorded
    /// after settlement) is joined with today's registry, so it shows up as a changed ledger.
    /// </summary>
    public async Task<LedgerRead> ReadWithRegistryAsync(long epoch, RegistrySnapshot? snapshot, CancellationToken cancellationToken = default)
    {
        // Both reads are table scans; they run side by side.
        var rowsTask = ReadRowsAsync(epoch, cancellationToken);
        var directoryTask = devices.LoadDirectoryAsync(cancellationToken);
        var rows = await rowsTask;
        var directory = await directoryTask;
        var expected = _policy.ExpectedSamplesPerEpoch();
        var unscored = (decimal)_policy.UnscoredQuality;

        var data = new List<DataContribution>(rows.Samples.Count);
        var registered = new Dictionary<string, SnapshotRegistration>(rows.Samples.Count, StringComparer.Ordinal);
        var unregistered = new HashSet<string>(StringComparer.Ordinal);
        var changes = new List<RegistrationChange>();
        foreach (var (device, accepted) in rows.Samples)
        {
            var current = directory.Find(device) is { } found ? ToSnapshot(found) : null;
            var used = current;
            if (snapshot is not null && snapshot.Registered.TryGetValue(device, out var recorded))
            {
                used = recorded;
                if (current is null || current.Owner != recorded.Owner || current.Nonce != recorded.Nonce)
                {
                    changes.Add(new RegistrationChange(device, recorded, current));
                }
            }
            else if (snapshot is not null && snapshot.Unregistered.Contains(device))
            {
                used = null;
            }

            if (used is null)
            {
                unregistered.Add(device);
                continue;
            }

            registered[device] = used;
            var quality = rows.Quality.TryGetValue(device, out var q) && q.Windows > 0
                ? Quality(q.Sum, q.Windows)
                : unscored;
            data.Add(new DataContribution(
                epoch, EthAddress.Parse(device), EthAddress.Parse(used.Owner), used.Cell,
                accepted, expected, quality, used.RegistrationSequence));
        }

        var compute = rows.Compute
            .Select(entry => new ComputeContribution(
                epoch, EthAddress.Parse(entry.Key.Host), EthAddress.Parse(rows.Operators[entry.Key.Host].Operator),
                entry.Key.Model, entry.Value, _policy.CostWeightOf(entry.Key.Model)))
            .ToList();
        var quarantines = rows.Quarantines
            .Select(entry => new HostQuarantine(epoch, EthAddress.Parse(entry.Key), entry.Value))
            .ToList();
        return new LedgerRead(new EpochLedger(epoch, data, compute, quarantines), new RegistrySnapshot(registered, unregistered), changes);

        SnapshotRegistration ToSnapshot(DeviceRegistration registration) => new(
            registration.Owner, registration.Nonce, registration.RegisteredAt.UtcTicks,
            LocationCell.Of(registration, _policy.LocationCellSizeE7));
    }

    /// <summary>Whether anything was recorded for the epoch.</summary>
    public async Task<bool> HasRowsAsync(long epoch, CancellationToken cancellationToken = default)
    {
        var table = await TableAsync(cancellationToken);
        await foreach (var _ in table.QueryAsync<TableEntity>(
            e => e.PartitionKey == LedgerKeys.Partition(epoch), maxPerPage: 1, select: ["RowKey"], cancellationToken: cancellationToken))
        {
            return true;
        }

        return false;
    }

    // The mean window quality, rounded down to 6 decimals so that the double arithmetic's last bits
    // cannot make two recomputations differ; clamped to [0, 1].
    private static decimal Quality(double sum, long windows)
    {
        var mean = Math.Clamp(sum / windows, 0.0, 1.0);
        return Math.Round((decimal)mean, 6, MidpointRounding.ToZero);
    }

    private async Task<LedgerRows> ReadRowsAsync(long epoch, CancellationToken cancellationToken)
    {
        var table = await TableAsync(cancellationToken);
        var rows = new LedgerRows();
        // Ranges by kind and the first hex digit of the address, read side by side; summed in RowKey order as before.
        foreach (var entity in await TableRangeReader.ReadAsync(table, LedgerKeys.Partition(epoch), RangeBoundaries, cancellationToken))
        {
            rows.Add(entity);
        }

        return rows;
    }

    private async Task UpsertAsync(IEnumerable<TableEntity> rows, CancellationToken cancellationToken)
    {
        // Materialised first: a bad record throws before anything is written.
        var all = rows.ToList();
        if (all.Count == 0)
        {
            return;
        }

        var table = await TableAsync(cancellationToken);
        foreach (var partition in all.GroupBy(r => r.PartitionKey, StringComparer.Ordinal))
        {
            // A transaction may not touch one row twice: the last record of a key wins, as a second upsert would.
            var unique = partition.GroupBy(r => r.RowKey, StringComparer.Ordinal).Select(g => g.Last());
            foreach (var chunk in unique.Chunk(MaxTransaction))
            {
                await table.SubmitTransactionAsync(
                    chunk.Select(e => new TableTransactionAction(TableTransactionActionType.UpsertReplace, e)), cancellationToken);
            }
        }
    }

    private async Task<TableClient> TableAsync(CancellationToken cancellationToken)
    {
        var table = tables.GetTableClient(LedgerKeys.TableName);
        await table.CreateIfNotExistsAsync(cancellationToken);
        return table;
    }

    /// <summary>An epoch's rows summed over their sources, keyed by 0x-lowercase addresses, in key order.</summary>
    private sealed class LedgerRows
    {
        public SortedDictionary<string, long> Samples { get; } = new(StringComparer.Ordinal);

        public SortedDictionary<string, (double Sum, long Windows)> Quality { get; } = new(StringComparer.Ordinal);

        public SortedDictionary<(string Host, string Model), long> Compute { get; } = new();

        // Per host: the operator with the most verified rows (ties: lowest address), so a host whose
        // registration moved to another operator mid-epoch is paid to one of them, not refused.
        public Dictionary<string, (string Operator, long Rows)> Operators { get; } = new(StringComparer.Ordinal);

        private Dictionary<(string Host, string Operator), long> OperatorRows { get; } = [];

        public SortedDictionary<string, string> Quarantines { get; } = new(StringComparer.Ordinal);

        public void Add(TableEntity entity)
        {
            var parts = entity.RowKey.Split('|');
            switch (parts[0])
            {
                case LedgerKeys.Samples when parts.Length == 3:
                    Samples[parts[1]] = Samples.GetValueOrDefault(parts[1]) + (entity.GetInt64("AcceptedSamples") ?? 0);
                    break;
                case LedgerKeys.Quality when parts.Length == 3:
                    var (sum, windows) = Quality.GetValueOrDefault(parts[1]);
                    Quality[parts[1]] = (sum + (entity.GetDouble("QualitySum") ?? 0), windows + (entity.GetInt64("Windows") ?? 0));
                    break;
                case LedgerKeys.Compute when parts.Length == 4:
                    var rows = entity.GetInt64("VerifiedRows") ?? 0;
                    Compute[(parts[1], parts[2])] = Compute.GetValueOrDefault((parts[1], parts[2])) + rows;
                    AddOperatorRows(parts[1], entity.GetString("Operator") ?? "", rows);
                    break;
                case LedgerKeys.Quarantine when parts.Length == 2:
                    Quarantines[parts[1]] = entity.GetString("Reason") ?? "";
                    break;
                default:
                    throw new InvalidDataException($"Ledger row '{entity.PartitionKey}/{entity.RowKey}' has an unknown kind or shape.");
            }
        }

        private void AddOperatorRows(string host, string @operator, long rows)
        {
            var total = OperatorRows.GetValueOrDefault((host, @operator)) + rows;
            OperatorRows[(host, @operator)] = total;
            if (!Operators.TryGetValue(host, out var best) || total > best.Rows
                || (total == best.Rows && string.CompareOrdinal(@operator, best.Operator) < 0))
            {
                Operators[host] = (@operator, total);
            }
        }
    }
}
