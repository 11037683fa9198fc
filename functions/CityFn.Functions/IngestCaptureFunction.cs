using Azure.Storage.Blobs;
using CityFn.Core.Ingest;
using Microsoft.Azure.Functions.Worker;

namespace CityFn.Functions;

/// <summary>
/// A new Event Hubs Capture file (Event Grid BlobCreated on container "capture") is ingested. The blob is
/// bound as a client, not as bytes, because capture files reach 500 MB and the stage streams them.
/// Event Grid may deliver twice; the stage is idempotent on the blob name.
/// </summary>
public sealed class IngestCaptureFunction(IngestStage stage)
{
    [Function("IngestCapture")]
    public Task Run(
        [BlobTrigger(IngestStorage.CaptureContainer + "/{name}", Source = BlobTriggerSource.EventGrid, Connection = "AzureWebJobsStorage")] BlobClient blob,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(blob);
        return stage.IngestBlobAsync(blob.BlobContainerName, blob.Name, cancellationToken);
    }
}
