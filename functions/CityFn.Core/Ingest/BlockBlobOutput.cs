using System.Globalization;
using System.Text;
using Azure.Storage.Blobs.Specialized;

namespace CityFn.Core.Ingest;

/// <summary>
/// A write-only stream into a block blob that holds at most one block in memory: every
/// <see cref="BlockBytes"/> written are staged as an uncommitted block, and <see cref="CommitAsync"/>
/// commits the block list, which replaces the blob in one step. Until then readers see the previous
/// version, so a run that fails half way leaves the old output whole (the service discards uncommitted
/// blocks after a week). Disposing without committing abandons the upload.
/// </summary>
public sealed class BlockBlobOutput(BlockBlobClient blob) : Stream
{
    public const int BlockBytes = 4 * 1024 * 1024;

    private readonly List<string> _blockIds = [];
    private byte[]? _buffer = new byte[BlockBytes];
    private int _buffered;
    private long _written;

    public override bool CanRead => false;

    public override bool CanSeek => false;

    public override bool CanWrite => _buffer is not null;

    public override long Length => _written;

    /// <summary>Bytes written so far (Parquet writers read this to record column offsets).</summary>
    public override long Position { get => _written; set => throw new NotSupportedException(); }

    public override void Write(byte[] buffer, int offset, int count) =>
        WriteAsync(buffer.AsMemory(offset, count)).AsTask().GetAwaiter().GetResult();

    public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        WriteAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override async ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
    {
        ObjectDisposedException.ThrowIf(_buffer is null, this);
        while (buffer.Length > 0)
        {
            var take = Math.Min(buffer.Length, BlockBytes - _buffered);
            buffer[..take].CopyTo(_buffer.AsMemory(_buffered));
            _buffered += take;
            _written += take;
            buffer = buffer[take..];
            if (_buffered == BlockBytes)
            {
                await StageAsync(cancellationToken);
            }
        }
    }

    /// <summary>Stages what is buffered and commits all blocks: the blob now holds exactly what was written.</summary>
    public async Task CommitAsync(CancellationToken cancellationToken = default)
    {
        ObjectDisposedException.ThrowIf(_buffer is null, this);
        await StageAsync(cancellationToken);
        await blob.CommitBlockListAsync(_blockIds, cancellationToken: cancellationToken);
        _buffer = null;
    }

    // Parquet.Net flushes between row groups; blocks are staged when full, so there is nothing to do.
    public override void Flush()
    {
    }

    public override Task FlushAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        _buffer = null;
        base.Dispose(disposing);
    }

    private async Task StageAsync(CancellationToken cancellationToken)
    {
        if (_buffered == 0)
        {
            return;
        }

        // Block ids must all have the same length within a blob.
        var id = Convert.ToBase64String(Encoding.ASCII.GetBytes(_blockIds.Count.ToString("D8", CultureInfo.InvariantCulture)));
        using (var content = new MemoryStream(_buffer!, 0, _buffered, writable: false))
        {
            await blob.StageBlockAsync(id, content, cancellationToken: cancellationToken);
        }

        _blockIds.Add(id);
        _buffered = 0;
    }
}
