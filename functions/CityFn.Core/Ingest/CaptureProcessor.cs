using System.Globalization;
using System.Runtime.CompilerServices;
using CityFn.Core.Devices;
using CityFn.Core.Ingest.Capture;

namespace CityFn.Core.Ingest;

/// <summary>An accepted message with where it came from.</summary>
public sealed record AcceptedMessage(
    DeviceMessage Message, DeviceRegistration Registration, long EventSequenceNumber, string Offset, DateTimeOffset EnqueuedTime, byte[] Body, byte[] BodyHash);

/// <summary>
/// A rejected event as the dead-letter blob records it (one JSON line each). A damaged stretch of the file
/// is one line too: reason <c>corrupt_block</c>, <see cref="SequenceNumber"/> -1, <see cref="Offset"/> the
/// byte offset in the file, no device or body.
/// </summary>
public sealed record RejectedMessage(
    string Source, long SequenceNumber, string Offset, string? Device, string Reason, string Detail, DateTimeOffset EnqueuedTime, string? BodyBase64);

/// <summary>What one batch of consecutive events of a capture file yields before anything is stored.</summary>
public sealed class CaptureBatch(string source)
{
    public string Source { get; } = source;

    /// <summary>Events decoded in this batch.</summary>
    public int Events { get; set; }

    /// <summary>Body bytes of the events decoded in this batch (accepted and rejected alike: both keep their body).</summary>
    public long BodyBytes { get; set; }

    /// <summary>Events that damaged blocks in this batch declared and that could not be read.</summary>
    public long LostEvents { get; set; }

    public List<AcceptedMessage> Accepted { get; } = [];

    public List<RejectedMessage> Rejected { get; } = [];

    public List<CaptureDamage> Damage { get; } = [];

    public long AcceptedReadings { get; private set; }

    public void Accept(AcceptedMessage accepted)
    {
        ArgumentNullException.ThrowIfNull(accepted);
        Accepted.Add(accepted);
        AcceptedReadings += accepted.Message.SampleCount;
    }

    /// <summary>Takes back messages found to be duplicates of stored claims.</summary>
    public void Drop(IReadOnlySet<AcceptedMessage> messages)
    {
        ArgumentNullException.ThrowIfNull(messages);
        Accepted.RemoveAll(messages.Contains);
        AcceptedReadings = Accepted.Sum(a => (long)a.Message.SampleCount);
    }
}

/// <summary>
/// Decode + signature + validation + duplicate check within a batch for one capture file, streamed in
/// batches of at most <c>batchMessages</c> events, <see cref="MaxBatchReadings"/> accepted readings or <see cref="MaxBatchBodyBytes"/> of bodies and without storage: the part the ingest benchmark
/// measures. Memory holds one Avro block and one batch. Duplicates across batches and files need stored
/// state and are settled by <see cref="IngestStage"/> for each batch.
/// </summary>
public sealed class CaptureProcessor(IDeviceDirectory devices, IngestOptions options)
{
    /// <summary>
    /// A batch also ends once it holds this many accepted readings, so long messages (up to 3,600 samples)
    /// cannot make a batch, and the Parquet row group written from it, many times larger than usual.
    /// </summary>
    public const int MaxBatchReadings = 100_000;

    /// <summary>
    /// A batch also ends once its events' bodies reach this many bytes. Accepted and rejected messages both keep
    /// their body until the batch is written (a duplicate found against the stored claims is dead-lettered with
    /// it), and an event body may be up to 1 MB, so a count alone would not bound a batch's memory.
    /// </summary>
    public const int MaxBatchBodyBytes = 8 * 1024 * 1024;

    private readonly MessageValidator _validator = new(devices, options);

    public async IAsyncEnumerable<CaptureBatch> ProcessAsync(
        Stream capture, string source, int batchMessages, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(batchMessages, 1);
        var batch = new CaptureBatch(source);
        var seen = new Dictionary<(string Device, long Sequence), (byte[] BodyHash, long Event)>();
        var damage = new List<CaptureDamage>();
        await foreach (var captureEvent in CaptureFileReader.ReadAsync(capture, damage.Add, cancellationToken))
        {
            TakeDamage(batch, damage);
            batch.Events++;
            batch.BodyBytes += captureEvent.Body?.Length ?? 0;
            Process(batch, seen, captureEvent);
            if (batch.Events >= batchMessages || batch.AcceptedReadings >= MaxBatchReadings || batch.BodyBytes >= MaxBatchBodyBytes)
            {
                yield return batch;
                batch = new CaptureBatch(source);
                seen.Clear();
            }
        }

        TakeDamage(batch, damage);
        if (batch.Events > 0 || batch.Damage.Count > 0)
        {
            yield return batch;
        }
    }

    private static void TakeDamage(CaptureBatch batch, List<CaptureDamage> damage)
    {
        if (damage.Count == 0)
        {
            return;
        }

        foreach (var d in damage)
        {
            batch.Damage.Add(d);
            batch.LostEvents += d.LostEvents ?? 0;
            // The skipped bytes may hold further blocks whose headers were never read: hence "at least".
            var lost = d.LostEvents is { } count ? $"at least {count} events lost" : "events lost (how many is unknown: the block header was unreadable)";
            batch.Rejected.Add(new RejectedMessage(
                batch.Source, -1, d.ByteOffset.ToString(CultureInfo.InvariantCulture), null, RejectReasons.Code(RejectReason.CorruptBlock),
                string.Create(CultureInfo.InvariantCulture, $"block {d.Block} at byte {d.ByteOffset}, {d.SkippedBytes} bytes skipped, {lost}: {d.Reason}"),
                DateTimeOffset.UnixEpoch, null));
        }

        damage.Clear();
    }

    private void Process(CaptureBatch batch, Dictionary<(string, long), (byte[] BodyHash, long Event)> seen, CaptureEvent captureEvent)
    {
        var body = captureEvent.Body ?? [];
        DateTimeOffset enqueued;
        try
        {
            enqueued = captureEvent.EnqueuedTime;
        }
        catch (FormatException exception)
        {
            Reject(batch, captureEvent, null, RejectReason.MalformedBody, exception.Message, DateTimeOffset.UnixEpoch);
            return;
        }

        var verdict = _validator.Validate(body, captureEvent.Signature, enqueued);
        if (!verdict.Accepted)
        {
            Reject(batch, captureEvent, verdict.Device, verdict.Reason!.Value, verdict.Detail!, enqueued);
            return;
        }

        var message = verdict.Message!;
        if (message.WindowStart < DateTimeOffset.UnixEpoch)
        {
            // Epochs are numbered from 1970 (EpochClock); nothing earlier can be rewarded or stored by epoch.
            Reject(batch, captureEvent, message.Device, RejectReason.TimestampTooOld, "the window starts before 1970-01-01", enqueued);
            return;
        }

        var hash = verdict.BodyHash!;
        if (seen.TryGetValue((message.Device, message.Sequence), out var earlier))
        {
            // Same wording as a duplicate found through the stored claims (a previous batch), so the dead
            // letters of a file do not depend on where batches happen to split it.
            var duplicate = earlier.BodyHash.AsSpan().SequenceEqual(hash);
            Reject(batch, captureEvent, message.Device, duplicate ? RejectReason.DuplicateMessage : RejectReason.SequenceReused,
                $"seq {message.Sequence} was already accepted earlier in this file (event {earlier.Event})", enqueued);
            return;
        }

        seen.Add((message.Device, message.Sequence), (hash, captureEvent.SequenceNumber));
        batch.Accept(new AcceptedMessage(message, verdict.Registration!, captureEvent.SequenceNumber, captureEvent.Offset, enqueued, body, hash));
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void Reject(CaptureBatch batch, CaptureEvent captureEvent, string? device, RejectReason reason, string detail, DateTimeOffset enqueued) =>
        batch.Rejected.Add(new RejectedMessage(
            batch.Source, captureEvent.SequenceNumber, captureEvent.Offset, device, RejectReasons.Code(reason), detail, enqueued,
            captureEvent.Body is null ? null : Convert.ToBase64String(captureEvent.Body)));
}
