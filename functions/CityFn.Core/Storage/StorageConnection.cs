using Azure.Core;
using Azure.Data.Tables;
using Azure.Identity;
using Azure.Storage.Blobs;
using Azure.Storage.Queues;
using Microsoft.Extensions.Configuration;

namespace CityFn.Core.Storage;

/// <summary>
/// The storage account the app uses, read the way the Functions host reads AzureWebJobsStorage:
/// either a connection string (Azurite locally) or, in Azure, identity-based service URIs
/// (<c>AzureWebJobsStorage__blobServiceUri</c>, <c>__queueServiceUri</c>, <c>__tableServiceUri</c>,
/// <c>__clientId</c> for a user-assigned identity). Shared keys are never used in Azure.
/// </summary>
public sealed class StorageConnection
{
    /// <summary>The setting name shared with the Functions host.</summary>
    public const string SettingName = "AzureWebJobsStorage";

    private readonly string? _connectionString;
    private readonly Uri? _blobUri;
    private readonly Uri? _queueUri;
    private readonly Uri? _tableUri;
    private readonly TokenCredential? _credential;

    private StorageConnection(string connectionString) => _connectionString = connectionString;

    private StorageConnection(Uri blobUri, Uri queueUri, Uri tableUri, TokenCredential credential)
    {
        _blobUri = blobUri;
        _queueUri = queueUri;
        _tableUri = tableUri;
        _credential = credential;
    }

    public static StorageConnection FromConnectionString(string connectionString)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(connectionString);
        return new StorageConnection(connectionString);
    }

    /// <summary>Reads <see cref="SettingName"/> from configuration, failing with the setting's name when it is absent or partial.</summary>
    public static StorageConnection FromConfiguration(IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var connectionString = configuration[SettingName];
        if (!string.IsNullOrWhiteSpace(connectionString))
        {
            return FromConnectionString(connectionString);
        }

        var section = configuration.GetSection(SettingName);
        var blob = RequiredUri(section, "blobServiceUri");
        var queue = RequiredUri(section, "queueServiceUri");
        var table = RequiredUri(section, "tableServiceUri");
        var clientId = section["clientId"];
        TokenCredential credential = string.IsNullOrWhiteSpace(clientId)
            ? new DefaultAzureCredential()
            : new ManagedIdentityCredential(ManagedIdentityId.FromUserAssignedClientId(clientId));
        return new StorageConnection(blob, queue, table, credential);
    }

    public BlobServiceClient CreateBlobServiceClient() =>
        _connectionString is not null ? new BlobServiceClient(_connectionString) : new BlobServiceClient(_blobUri, _credential);

    public QueueServiceClient CreateQueueServiceClient() =>
        _connectionString is not null ? new QueueServiceClient(_connectionString) : new QueueServiceClient(_queueUri, _credential);

    public TableServiceClient CreateTableServiceClient() =>
        _connectionString is not null ? new TableServiceClient(_connectionString) : new TableServiceClient(_tableUri, _credential);

    private static Uri RequiredUri(IConfigurationSection section, string key)
    {
        var value = section[key];
        if (string.IsNullOrWhiteSpace(value) || !Uri.TryCreate(value, UriKind.Absolute, out var uri))
        {
            throw new InvalidOperationException(
                $"Storage is not configured: set {SettingName} to a connection string, or set {SettingName}__{key} " +
                $"(with blobServiceUri, queueServiceUri and tableServiceUri) for identity-based access.");
        }

        return uri;
    }
}
