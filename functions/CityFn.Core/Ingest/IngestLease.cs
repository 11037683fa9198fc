using Azure;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Specialized;

namespace CityFn.Core.Ingest;

/// <summary>
/// A capture blob is ingested by one run at a time: the run holds a lease on the blob (60 s, renewed every
/// 20 s) until it has swept. Two runs of one blob at once (a duplicate Event Grid delivery during a long
/// run) would otherwise each delete the other's rows as stale. The second run fails with
/// <see cref="IngestBusyException"/>, and the Functions host retries it after the first has finished.
/// </summary>
internal sealed class IngestLease : IAsyncDisposable
{
    private static readonly TimeSpan Duration = TimeSpan.FromSeconds(60);
    private static readonly TimeSpan RenewEvery = TimeSpan.FromSeconds(20);

    private readonly BlobLeaseClient _lease;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _renewing;

    private IngestLease(BlobLeaseClient lease)
    {
        _lease = lease;
        _renewing = RenewAsync(_stop.Token);
    }

    public static async Task<IngestLease> AcquireAsync(BlobClient blob, CancellationToken cancellationToken)
    {
        var lease = blob.GetBlobLeaseClient();
        try
        {
            await lease.AcquireAsync(Duration, cancellationToken: cancellationToken);
        }
        catch (RequestFailedException exception) when (exception.Status == 409)
        {
            throw new IngestBusyException($"Capture blob {blob.Name} is being ingested by another run (it holds the blob's lease); retry when that run has finished.", exception);
        }

        return new IngestLease(lease);
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

/// <summary>Another run is ingesting the same capture blob right now.</summary>
public sealed class IngestBusyException : Exception
{
    public IngestBusyException()
        : this("The capture blob is being ingested by another run.")
    {
    }

    public IngestBusyException(string message)
        : base(message)
    {
    }

    public IngestBusyException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
