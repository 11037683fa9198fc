using System.Globalization;
using System.Text;
using CityFn.Core.Ethereum;
using CityFn.Core.Ingest.Capture;

namespace CityFn.Cli.Simulate;

/// <summary>
/// Writes messages as Event Hubs Capture would: one Avro file per hub partition per 60-second window that has
/// events, named {namespace}/{hub}/{partition}/{yyyy}/{MM}/{dd}/{HH}/{mm}/{ss}.avro under the capture folder,
/// with per-partition event sequence numbers and offsets. The Avro sync marker is derived from the seed and the
/// blob name, so the same run writes byte-identical files.
/// </summary>
internal sealed class CaptureDirectory(string captureFolder, string captureNamespace, int seed)
{
    private readonly Dictionary<(string Hub, int Partition), (long Sequence, long Offset)> _positions = [];

    /// <summary>Writes the files of one window; returns each file's blob name and full path.</summary>
    public List<(string BlobName, string Path, long Bytes)> WriteWindow(IEnumerable<OutgoingMessage> messages)
    {
        var written = new List<(string, string, long)>();
        foreach (var group in messages.GroupBy(m => (m.Hub, m.Partition, Window: Floor(m.Enqueued))).OrderBy(g => g.Key.Hub, StringComparer.Ordinal).ThenBy(g => g.Key.Partition).ThenBy(g => g.Key.Window))
        {
            var (hub, partition, window) = group.Key;
            var blobName = new CaptureBlobName(captureNamespace, hub, partition.ToString(CultureInfo.InvariantCulture), window).ToString();
            var path = Path.Combine(captureFolder, blobName.Replace('/', Path.DirectorySeparatorChar));
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            var (sequence, offset) = _positions.GetValueOrDefault((hub, partition));
            using (var file = File.Create(path))
            using (var writer = new CaptureFileWriter(file, CaptureCodec.Deflate, syncMarker: SyncMarker(blobName)))
            {
                foreach (var message in group.OrderBy(m => m.Enqueued).ThenBy(m => m.DeviceIndex))
                {
                    writer.Write(new CaptureEvent(
                        sequence++,
                        offset.ToString(CultureInfo.InvariantCulture),
                        message.Enqueued.UtcDateTime.ToString("M/d/yyyy h:mm:ss tt", CultureInfo.InvariantCulture),
                        new Dictionary<string, object?> { ["x-opt-partition-key"] = message.Device },
                        new Dictionary<string, object?> { [CaptureEvent.SignatureProperty] = message.Signature },
                        message.Body));
                    offset += message.Body.Length;
                }
            }

            _positions[(hub, partition)] = (sequence, offset);
            written.Add((blobName, path, new FileInfo(path).Length));
        }

        return written;
    }

    private static DateTimeOffset Floor(DateTimeOffset time) =>
        new(time.UtcTicks - (time.UtcTicks % TimeSpan.TicksPerMinute), TimeSpan.Zero);

    private byte[] SyncMarker(string blobName) =>
        Keccak256.Hash(Encoding.UTF8.GetBytes(string.Create(CultureInfo.InvariantCulture, $"cityfn-sim-sync:{seed}:{blobName}")))[..16];
}
