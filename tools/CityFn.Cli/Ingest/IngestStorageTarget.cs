using Azure.Data.Tables;
using Azure.Identity;
using Azure.Storage.Blobs;
using Azure.Storage.Queues;

namespace CityFn.Cli.Ingest;

/// <summary>
/// Where `cityfn ingest --storage` writes: a connection string (Azurite, or an account with shared keys), or
/// the account's blob endpoint (<c>https://&lt;account&gt;.blob.core.windows.net</c>) for identity-based
/// access with <see cref="DefaultAzureCredential"/> (az login, environment, managed identity), which is how
/// the Functions app reaches the deployed account, whose shared keys are off.
/// </summary>
public sealed record IngestStorageTarget(BlobServiceClient Blobs, QueueServiceClient Queues, TableServiceClient Tables)
{
    public static IngestStorageTarget Create(string storage)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(storage);
        if (!storage.StartsWith("https://", StringComparison.OrdinalIgnoreCase))
        {
            return new IngestStorageTarget(new BlobServiceClient(storage), new QueueServiceClient(storage), new TableServiceClient(storage));
        }

        var (blob, queue, table) = ServiceUris(storage);
        var credential = new DefaultAzureCredential();
        return new IngestStorageTarget(new BlobServiceClient(blob, credential), new QueueServiceClient(queue, credential), new TableServiceClient(table, credential));
    }

    /// <summary>The queue and table endpoints of the account whose blob endpoint is given.</summary>
    public static (Uri Blob, Uri Queue, Uri Table) ServiceUris(string blobEndpoint)
    {
        if (!Uri.TryCreate(blobEndpoint, UriKind.Absolute, out var blob) || blob.Scheme != Uri.UriSchemeHttps
            || blob.Host.Split('.') is not [_, "blob", _, ..] || blob.AbsolutePath != "/")
        {
            throw new ArgumentException(
                $"--storage {blobEndpoint} is neither a connection string nor a blob endpoint like https://<account>.blob.core.windows.net.", nameof(blobEndpoint));
        }

        var labels = blob.Host.Split('.');
        Uri Service(string name)
        {
            labels[1] = name;
            return new UriBuilder(blob) { Host = string.Join('.', labels) }.Uri;
        }

        return (blob, Service("queue"), Service("table"));
    }
}
