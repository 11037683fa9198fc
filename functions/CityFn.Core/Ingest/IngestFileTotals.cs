using CityFn.Core.Rewards;

namespace CityFn.Core.Ingest;

/// <summary>
/// What the ingest stage sums over all batches of one capture file before writing the per-file rows
/// (device stats, ledger samples, scoring jobs). Its size grows with the devices and epochs
/// the file touches, never with its messages or minutes (minute partials are written batch by batch by
/// <see cref="MinuteAggregateWriter"/>). Epochs per file are few: validation keeps a message within
/// Ingest:MaxBehind (6 h) before and MaxAhead after its event's enqueued time, and a capture file covers a
/// capture window of minutes, so about 8 hourly epochs at most; ~300 bytes per device and epoch.
/// </summary>
internal sealed class IngestFileTotals(EpochClock ledgerEpochs)
{
    public long Events { get; private set; }

    public long LostEvents { get; private set; }

    public long AcceptedMessages { get; private set; }

    public long AcceptedReadings { get; private set; }

    public List<string> Damage { get; } = [];

    public Dictionary<string, long> Rejected { get; } = new(StringComparer.Ordinal);

    /// <summary>Per device: accepted messages and readings, and rejects per reason.</summary>
    public Dictionary<string, DeviceCounts> Devices { get; } = new(StringComparer.Ordinal);

    /// <summary>Per (epoch of the message window start, device): accepted readings for the rewards ledger.</summary>
    public Dictionary<(long Epoch, string Device), long> LedgerSamples { get; } = [];

    public Dictionary<SensorKind, JobCounts> Jobs { get; } = [];

    public void Add(CaptureBatch batch)
    {
        Events += batch.Events;
        LostEvents += batch.LostEvents;
        foreach (var damage in batch.Damage)
        {
            Damage.Add($"{batch.Source}: block {damage.Block} at byte {damage.ByteOffset}: {damage.Reason}");
        }

        foreach (var accepted in batch.Accepted)
        {
            var message = accepted.Message;
            AcceptedMessages++;
            AcceptedReadings += message.SampleCount;
            var device = Device(message.Device);
            device.AcceptedMessages++;
            device.AcceptedReadings += message.SampleCount;
            var ledgerKey = (ledgerEpochs.EpochOf(message.WindowStart), message.Device);
            LedgerSamples[ledgerKey] = LedgerSamples.GetValueOrDefault(ledgerKey) + message.SampleCount;
            if (!Jobs.TryGetValue(message.Kind, out var job))
            {
                job = new JobCounts(message.WindowStart, message.WindowEnd);
                Jobs.Add(message.Kind, job);
            }

            job.Add(message);
        }

        foreach (var rejected in batch.Rejected)
        {
            // A damaged block counts the events it declared; one dead-letter line stands for them all.
            var count = rejected.Reason == RejectReasons.Code(RejectReason.CorruptBlock) ? 0 : 1;
            Rejected[rejected.Reason] = Rejected.GetValueOrDefault(rejected.Reason) + count;
            if (rejected.Device is null)
            {
                continue;
            }

            Device(rejected.Device).Rejected[rejected.Reason] = Device(rejected.Device).Rejected.GetValueOrDefault(rejected.Reason) + 1;
        }

        if (batch.LostEvents > 0)
        {
            var code = RejectReasons.Code(RejectReason.CorruptBlock);
            Rejected[code] = Rejected.GetValueOrDefault(code) + batch.LostEvents;
        }
    }

    private DeviceCounts Device(string device)
    {
        if (!Devices.TryGetValue(device, out var counts))
        {
            counts = new DeviceCounts();
            Devices.Add(device, counts);
        }

        return counts;
    }

    internal sealed class DeviceCounts
    {
        public long AcceptedMessages { get; set; }

        public long AcceptedReadings { get; set; }

        public SortedDictionary<string, long> Rejected { get; } = new(StringComparer.Ordinal);
    }

    internal sealed class JobCounts(DateTimeOffset windowStart, DateTimeOffset windowEnd)
    {
        public HashSet<string> Devices { get; } = new(StringComparer.Ordinal);

        public long Readings { get; private set; }

        public DateTimeOffset WindowStart { get; private set; } = windowStart;

        public DateTimeOffset WindowEnd { get; private set; } = windowEnd;

        public void Add(DeviceMessage message)
        {
            Devices.Add(message.Device);
            Readings += message.SampleCount;
            WindowStart = message.WindowStart < WindowStart ? message.WindowStart : WindowStart;
            WindowEnd = message.WindowEnd > WindowEnd ? message.WindowEnd : WindowEnd;
        }
    }
}
