using System.Collections.Concurrent;
using Azure;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;
using CityFn.Core.Ingest;
using Parquet.Serialization;

namespace CityFn.Core.Scoring.Features;

/// <summary>
/// History from the readings Parquet files ingest writes (container analytics,
/// <c>readings/date=…/hour=…/&lt;source&gt;.parquet</c>, one per capture file, hour = the capture window's): a read
/// lists the hour folders that can hold the span's readings and sums the files' per-minute counts and sums.
/// </summary>
/// <remarks>
/// A parsed file is kept in memory and reused while the listing shows the same ETag: the listing of each read decides
/// which files (and which versions of them) count, so a re-ingested file (new ETag) is read again, a deleted one drops
/// out, and a file ingested after the read is not seen, exactly as if nothing were cached. The cache only saves
/// downloads; a process that starts cold (a new Functions instance) reads the same files and gets the same minutes.
/// Per read: one listing call per hour folder (2–3 for a 60 or 90-minute window) and a download per file not seen
/// before, instead of one Table query per device, whose cost on Azurite grows with everything stored.
/// Files are listed from the hour of <c>from − <see cref="CaptureLead"/></c> (a reading may be up to ingest's
/// MaxAhead, 2 min, later than its capture window) to the hour of <c>to + <see cref="CaptureLead"/></c>: readings that
/// reached the hub in a later hour than that are late for this window and left out.
/// </remarks>
public sealed class ReadingsFileHistory(BlobServiceClient blobs, TimeProvider timeProvider) : IDetectorHistory
{
    /// <summary>How far before a reading its capture file's window may start (ingest's MaxAhead plus the 60 s capture window, rounded up).</summary>
    public static readonly TimeSpan CaptureLead = TimeSpan.FromMinutes(5);

    /// <summary>A cached file not used by any read for this long is dropped.</summary>
    public static readonly TimeSpan IdleEviction = TimeSpan.FromMinutes(10);

    private readonly ConcurrentDictionary<string, CachedFile> _files = new(StringComparer.Ordinal);
    private long _lastSweepTicks;
    private long _downloads;

    /// <summary>Files downloaded and parsed since the process started (the rest of the reads were cache hits).</summary>
    public long Downloads => Interlocked.Read(ref _downloads);

    public async Task<MinuteHistory> ReadMinutesAsync(DateTimeOffset from, DateTimeOffset to, string? except = null, CancellationToken cancellationToken = default)
    {
        var history = new MinuteHistory();
        if (to <= from)
        {
            return history;
        }

        var container = blobs.GetBlobContainerClient(IngestStorage.AnalyticsContainer);
        var now = timeProvider.GetUtcNow().UtcTicks;
        var files = new List<CachedFile>();
        for (var hour = Hour(from - CaptureLead); hour <= Hour(to + CaptureLead); hour = hour.AddHours(1))
        {
            try
            {
                await foreach (var blob in container.GetBlobsAsync(BlobTraits.None, BlobStates.None, IngestStorage.ReadingsHourPrefix(hour), cancellationToken))
                {
                    if (blob.Name == except || !blob.Name.EndsWith(".parquet", StringComparison.Ordinal))
                    {
                        continue;
                    }

                    var etag = blob.Properties.ETag ?? default;
                    var file = _files.AddOrUpdate(
                        blob.Name,
                        name => new CachedFile(etag, LoadAsync(container.GetBlobClient(name))),
                        (name, cached) => cached.ETag == etag && !cached.Minutes.IsFaulted && !cached.Minutes.IsCanceled
                            ? cached
                            : new CachedFile(etag, LoadAsync(container.GetBlobClient(name))));
                    Interlocked.Exchange(ref file.LastUsedTicks, now);
                    files.Add(file);
                }
            }
            catch (RequestFailedException exception) when (exception.Status == 404)
            {
                // No analytics container yet: nothing ingested.
            }
        }

        foreach (var file in files)
        {
            foreach (var minute in await file.Minutes)
            {
                if (minute.Minute >= from && minute.Minute < to)
                {
                    history.Add(minute.Device, minute.Minute, minute.Channel, minute.Value);
                }
            }
        }

        Sweep(now);
        return history;
    }

    /// <remarks>Without the caller's token: concurrent reads share the download, one cancelled read must not fail the others.</remarks>
    private async Task<StoredMinute[]> LoadAsync(BlobClient blob)
    {
        try
        {
            using var buffer = new MemoryStream();
            await blob.DownloadToAsync(buffer, CancellationToken.None);
            buffer.Position = 0;
            var rows = await ParquetSerializer.DeserializeAsync<ReadingRow>(buffer, cancellationToken: CancellationToken.None);
            Interlocked.Increment(ref _downloads);
            return Minutes(rows.Data);
        }
        catch (RequestFailedException exception) when (exception.Status == 404)
        {
            // Deleted between the listing and the download (a re-ingest that moved it): it no longer counts.
            return [];
        }
    }

    /// <summary>One file's readings folded to per device, minute and channel count and sum.</summary>
    private static StoredMinute[] Minutes(IEnumerable<ReadingRow> readings)
    {
        var buckets = new Dictionary<(string Device, DateTimeOffset Minute, string Channel), ChannelHistory>();
        foreach (var reading in readings)
        {
            if (!SensorKinds.TryParse(reading.Kind, out var kind))
            {
                continue;
            }

            var minute = MinuteSeries.Minute(reading.Time);
            foreach (var channel in SensorKinds.Channels(kind))
            {
                if (reading.Channel(channel.Name) is { } value)
                {
                    var key = (reading.Device, minute, channel.Name);
                    buckets[key] = buckets.GetValueOrDefault(key).Add(new ChannelHistory(1, value));
                }
            }
        }

        return [.. buckets.Select(b => new StoredMinute(b.Key.Device, b.Key.Minute, b.Key.Channel, b.Value))];
    }

    private void Sweep(long now)
    {
        var last = Interlocked.Read(ref _lastSweepTicks);
        if (now - last < TimeSpan.TicksPerMinute || Interlocked.CompareExchange(ref _lastSweepTicks, now, last) != last)
        {
            return;
        }

        foreach (var (name, file) in _files)
        {
            if (now - Interlocked.Read(ref file.LastUsedTicks) > IdleEviction.Ticks)
            {
                _files.TryRemove(KeyValuePair.Create(name, file));
            }
        }
    }

    private static DateTimeOffset Hour(DateTimeOffset time) =>
        new(time.UtcTicks - (time.UtcTicks % TimeSpan.TicksPerHour), TimeSpan.Zero);

    private readonly record struct StoredMinute(string Device, DateTimeOffset Minute, string Channel, ChannelHistory Value);

    private sealed class CachedFile(ETag etag, Task<StoredMinute[]> minutes)
    {
        public long LastUsedTicks;

        public ETag ETag { get; } = etag;

        public Task<StoredMinute[]> Minutes { get; } = minutes;
    }
}
