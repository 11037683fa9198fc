using System.Reflection;
using Azure;
using Azure.Data.Tables;
using Azure.Storage.Blobs;
using Azure.Storage.Queues;
using CityFn.Core.Storage;

namespace CityFn.Core.Health;

/// <summary>
/// Checks that the app can reach each service of its storage account with the access it has.
/// Each check is a data-plane read the app's identity is allowed (no account-level calls), so a
/// healthy answer in Azure also proves the role assignments.
/// </summary>
public sealed class StorageHealthProbe(
    BlobServiceClient blobs, QueueServiceClient queues, TableServiceClient tables, TimeProvider timeProvider)
{
    /// <summary>A name that need not exist: a 404 still proves the service answered and let us in.</summary>
    private const string ProbeName = "health-probe";

    private static readonly TimeSpan ProbeTimeout = TimeSpan.FromSeconds(5);

    /// <summary>The app's informational version.</summary>
    public static string Version { get; } =
        typeof(StorageHealthProbe).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion
        ?? "unknown";

    /// <summary>A probe with its own clients for the account behind <paramref name="connection"/>.</summary>
    public static StorageHealthProbe Create(StorageConnection connection, TimeProvider timeProvider)
    {
        ArgumentNullException.ThrowIfNull(connection);
        return new StorageHealthProbe(
            connection.CreateBlobServiceClient(), connection.CreateQueueServiceClient(),
            connection.CreateTableServiceClient(), timeProvider);
    }

    public async Task<HealthReport> CheckAsync(CancellationToken cancellationToken = default)
    {
        var results = await Task.WhenAll(
            ProbeAsync("blob", ct => blobs.GetBlobContainerClient(ProbeName).ExistsAsync(ct), cancellationToken),
            ProbeAsync("queue", ct => queues.GetQueueClient(ProbeName).ExistsAsync(ct), cancellationToken),
            ProbeAsync("table", ct => FirstTablePageAsync(ct), cancellationToken));
        return new HealthReport(Version, results.All(r => r.Reachable), results);
    }

    private async Task FirstTablePageAsync(CancellationToken cancellationToken)
    {
        await foreach (var _ in tables.QueryAsync(maxPerPage: 1, cancellationToken: cancellationToken).AsPages(pageSizeHint: 1))
        {
            return;
        }
    }

    private async Task<ServiceReachability> ProbeAsync(string service, Func<CancellationToken, Task> probe, CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(ProbeTimeout);
        var started = timeProvider.GetTimestamp();
        try
        {
            await probe(timeout.Token);
            return new ServiceReachability(service, true, ElapsedMs(started), null);
        }
        catch (RequestFailedException exception)
        {
            return new ServiceReachability(service, false, ElapsedMs(started), $"{exception.Status} {exception.ErrorCode}");
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return new ServiceReachability(service, false, ElapsedMs(started), $"no answer within {ProbeTimeout.TotalSeconds:0} s");
        }
        catch (Exception exception) when (exception is AggregateException or HttpRequestException or InvalidOperationException)
        {
            return new ServiceReachability(service, false, ElapsedMs(started), exception.GetBaseException().Message);
        }
    }

    private double ElapsedMs(long started) => Math.Round(timeProvider.GetElapsedTime(started).TotalMilliseconds, 1);
}
