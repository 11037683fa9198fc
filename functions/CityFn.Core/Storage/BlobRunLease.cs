using Azure;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Specialized;

namespace CityFn.Core.Storage;

/// <summary>
/// One run at a time per blob: the run holds a lease on the blob (60 s, renewed every 20 s) until it
/// disposes this, and a second run's <see cref="AcquireAsync"/> fails with <see cref="LeaseBusyException"/>.
/// If the process dies, the lease runs out within a minute and the next run takes it. Ingest leases the
/// capture blob it ingests; settlement leases a marker blob per epoch (<c>rewards/epoch=N/settle.lease</c>).
/// </summary>
public sealed class BlobRunLease : IAsyncDisposable
{
    private static readonly TimeSpan Duration = TimeSpan.FromSeconds(60);
    private static readonly TimeSpan RenewEvery = TimeSpan.FromSeconds(20);

    private readonly BlobLeaseClient _lease;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _renewing;

    private BlobRunLease(BlobLeaseClient lease)
    {
        _lease = lease;
        _renewing = RenewAsync(_stop.Token);
    }

    /// <summary>
    /// Takes the lease on <paramref name="blob"/>; when another run holds it, throws <see cref="LeaseBusyException"/>
    /// with <paramref name="busyMessage"/>. With <paramref name="createIfMissing"/>, an empty blob is created
    /// first (a marker that only exists to be leased); otherwise the blob must exist.
    /// </summary>
    public static async Task<BlobRunLease> AcquireAsync(BlobClient blob, string busyMessage, bool createIfMissing = false, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(blob);
        ArgumentException.ThrowIfNullOrEmpty(busyMessage);
        if (createIfMissing)
        {
            try
            {
                await blob.UploadAsync(BinaryData.Empty, overwrite: false, cancellationToken);
            }
            catch (RequestFailedException exception) when (exception.Status == 409)
            {
                // It exists (and may be leased right now): the acquire below decides.
            }
        }

        var lease = blob.GetBlobLeaseClient();
        try
        {
            await lease.AcquireAsync(Duration, cancellationToken: cancellationToken);
        }
        catch (RequestFailedException exception) when (exception.Status == 409)
        {
            throw new LeaseBusyException(busyMessage, exception);
        }

        return new BlobRunLease(lease);
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        await _renewing;
        _stop.Dispose();
        try
        {
            await _lease.ReleaseAsync();
        }
        catch (RequestFailedException)
        {
            // Expired or lost already: it runs out within a minute anyway.
        }
    }

    private async Task RenewAsync(CancellationToken cancellationToken)
    {
        using var timer = new PeriodicTimer(RenewEvery);
        try
        {
            while (await timer.WaitForNextTickAsync(cancellationToken))
            {
                await _lease.RenewAsync(cancellationToken: cancellationToken);
            }
        }
        catch (OperationCanceledException)
        {
            // The run is over.
        }
        catch (RequestFailedException)
        {
            // A lost lease shows when the run releases it; the run itself is not interrupted.
        }
    }
}

/// <summary>Another run holds the lease: it is doing the same work right now. The message says which work.</summary>
public sealed class LeaseBusyException : Exception
{
    public LeaseBusyException()
        : this("Another run holds the lease on this work.")
    {
    }

    public LeaseBusyException(string message)
        : base(message)
    {
    }

    public LeaseBusyException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
