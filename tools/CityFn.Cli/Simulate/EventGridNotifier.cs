using System.Globalization;
using System.Net.Http.Json;
using System.Text.Json.Serialization;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;

namespace CityFn.Cli.Simulate;

/// <summary>
/// Stands in for Event Grid locally: uploads each capture file to the storage account's "capture" container and
/// posts one Microsoft.Storage.BlobCreated event (Event Grid schema, an array of one) to a Functions host's blob
/// webhook with the header <c>aeg-event-type: Notification</c>, as Event Grid would deliver it.
/// </summary>
internal sealed class EventGridNotifier(HttpClient http, Uri endpoint, BlobContainerClient container, TimeProvider timeProvider)
{
    public const string EventTypeHeader = "aeg-event-type";

    public async Task NotifyAsync(string blobName, string path, CancellationToken cancellationToken = default)
    {
        var blob = container.GetBlobClient(blobName);
        BlobContentInfo uploaded;
        await using (var stream = File.OpenRead(path))
        {
            uploaded = (await blob.UploadAsync(stream, overwrite: true, cancellationToken)).Value;
        }

        var created = new BlobCreatedEvent(
            Guid.NewGuid().ToString(),
            $"/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/local/providers/Microsoft.Storage/storageAccounts/{container.AccountName}",
            $"/blobServices/default/containers/{container.Name}/blobs/{blobName}",
            "Microsoft.Storage.BlobCreated",
            timeProvider.GetUtcNow().ToString("O", CultureInfo.InvariantCulture),
            "",
            "1",
            new BlobCreatedData("PutBlob", "application/octet-stream", new FileInfo(path).Length, "BlockBlob", blob.Uri.ToString(),
                uploaded.ETag.ToString(), uploaded.LastModified.UtcTicks.ToString("x16", CultureInfo.InvariantCulture)));
        using var request = new HttpRequestMessage(HttpMethod.Post, endpoint)
        {
            Content = JsonContent.Create([created], NotifyJsonContext.Default.BlobCreatedEventArray),
        };
        request.Headers.Add(EventTypeHeader, "Notification");
        using var response = await http.SendAsync(request, cancellationToken);
        if (!response.IsSuccessStatusCode)
        {
            var detail = await response.Content.ReadAsStringAsync(cancellationToken);
            throw new HttpRequestException(
                $"{endpoint} answered {(int)response.StatusCode} {response.ReasonPhrase} to the BlobCreated notification for {blobName}: {detail}",
                null, response.StatusCode);
        }
    }
}

/// <summary>An Event Grid event (Event Grid schema) of type Microsoft.Storage.BlobCreated.</summary>
internal sealed record BlobCreatedEvent(
    string Id, string Topic, string Subject, string EventType, string EventTime, string DataVersion, string MetadataVersion, BlobCreatedData Data);

internal sealed record BlobCreatedData(
    string Api, string ContentType, long ContentLength, string BlobType, string Url, [property: JsonPropertyName("eTag")] string ETag, string Sequencer);

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase)]
[JsonSerializable(typeof(BlobCreatedEvent[]))]
internal sealed partial class NotifyJsonContext : JsonSerializerContext;
