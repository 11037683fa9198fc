using System.Runtime.CompilerServices;
using CityFn.Core.Devices;
using CityFn.Core.Ingest.Capture;

namespace CityFn.Core.Ingest;

/// <summary>An accepted message with where it came from.</summary>
public sealed record AcceptedMessage(
    DeviceMessage Message, DeviceRegistration Registration, long EventSequenceNumber, string Offset, DateTimeOffset EnqueuedTime, byte[] Body, byte[] BodyHash);

/// <summary>A rejected event as the dead-letter blob records it (one JSON line each).</summary>
public sealed record RejectedMessage(
    string Source, long SequenceNumber, string Offset, string? Device, string Reason, string Detail, DateTimeOffset EnqueuedTime, string? BodyBase64);

/// <summary>Everything one capture file yields before anything is stored.</summary>
public sealed class CaptureBatch(string source)
{
    public string Source { get; } = source;

    public int Events { get; set; }

    public List<AcceptedMessage> Accepted { get; } = [];

    public List<RejectedMessage> Rejected { get; } = [];

    public MinuteAggregator Aggregates { get; } = new();

    public long AcceptedReadings => Accepted.Sum(a => (long)a.Message.SampleCount);
}

/// <summary>
/// Decode + signature + validation + in-file duplicate check + minute aggregation for one capture file,
/// in memory and without storage: the part the ingest benchmark measures. Cross-file duplicates need
/// stored state and are settled by <see cref="IngestStage"/> afterwards.
/// </summary>
public sealed class CaptureProcessor(IDeviceDirectory devices, IngestOptions options)
{
    private readonly MessageValidator _validator = new(devices, options);

    public async Task<CaptureBatch> ProcessAsync(Stream capture, string source, CancellationToken cancellationToken = default)
    {
        var batch = new CaptureBatch(source);
        var seen = new Dictionary<(string Device, long Sequence), byte[]>();
        await foreach (var captureEvent in CaptureFileReader.ReadAsync(capture, cancellationToken))
        {
            batch.Events++;
            Process(batch, seen, captureEvent);
        }

        return batch;
    }

    private void Process(CaptureBatch batch, Dictionary<(string, long), byte[]> seen, CaptureEvent captureEvent)
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
        var hash = verdict.BodyHash!;
        if (seen.TryGetValue((message.Device, message.Sequence), out var earlier))
        {
            var duplicate = earlier.AsSpan().SequenceEqual(hash);
            Reject(batch, captureEvent, message.Device, duplicate ? RejectReason.DuplicateMessage : RejectReason.SequenceReused,
                duplicate ? $"seq {message.Sequence} was already accepted earlier in this file" : $"seq {message.Sequence} was already used by a different message in this file",
                enqueued);
            return;
        }

        seen.Add((message.Device, message.Sequence), hash);
        batch.Accepted.Add(new AcceptedMessage(message, verdict.Registration!, captureEvent.SequenceNumber, captureEvent.Offset, enqueued, body, hash));
        batch.Aggregates.Add(message);
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void Reject(CaptureBatch batch, CaptureEvent captureEvent, string? device, RejectReason reason, string detail, DateTimeOffset enqueued) =>
        batch.Rejected.Add(new RejectedMessage(
            batch.Source, captureEvent.SequenceNumber, captureEvent.Offset, device, RejectReasons.Code(reason), detail, enqueued,
            captureEvent.Body is null ? null : Convert.ToBase64String(captureEvent.Body)));
}
