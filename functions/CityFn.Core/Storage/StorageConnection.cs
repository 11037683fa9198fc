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

    private const string BlobServiceUriKey = "blobServiceUri";
    private const string QueueServiceUriKey = "queueServiceUri";
    private const string TableServiceUriKey = "tableServiceUri";
    private const string ClientIdKey = "clientId";

    /// <summary>The app settings an identity-based deployment must define (as Azure writes them, with __).</summary>
    public static IReadOnlyList<string> IdentityBasedSettingNames { get; } =
        [.. new[] { BlobServiceUriKey, QueueServiceUriKey, TableServiceUriKey, ClientIdKey }.Select(key => $"{SettingName}__{key}")];

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
        var blob = RequiredUri(section, BlobServiceUriKey);
        var queue = RequiredUri(section, QueueServiceUriKey);
        var table = RequiredUri(section, TableServiceUriKey);
        var clientId = section[ClientIdKey];
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
