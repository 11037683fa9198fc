using Azure.Data.Tables;
using Azure.Storage.Blobs;
using Azure.Storage.Queues;
using CityFn.Core.Devices;
using CityFn.Core.Ingest;
using CityFn.Core.Ingest.Capture;
using CityFn.Core.Rewards;
using CityFn.Core.Rewards.Ledger;
using CityFn.TestSupport;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace CityFn.Functions.Tests;

[Collection(AzuriteCollection.Name)]
public sealed class IngestCaptureFunctionTests(AzuriteFixture azurite)
{
    [Fact]
    public async Task A_capture_blob_handed_to_the_function_is_ingested_by_the_stage()
    {
        var blobs = new BlobServiceClient(azurite.ConnectionString);
        var tables = new TableServiceClient(azurite.ConnectionString);
        var enqueued = new DateTimeOffset(2026, 11, 25, 12, 0, 0, TimeSpan.Zero);
        var synthetic = SyntheticCapture.Create(3, "0x00000000000000000000000000000000000000aa", enqueued.AddDays(-1));
        var registry = new DeviceRegistryStore(tables);
        foreach (var registration in synthetic.Registrations)
        {
            await registry.SaveAsync(registration);
        }

        var name = new CaptureBlobName("fn" + Guid.NewGuid().ToString("N")[..8], "traffic", "0", enqueued).ToString();
        using var file = new MemoryStream();
        synthetic.Write(file, 9, 20, enqueued);
        file.Position = 0;
        var container = blobs.GetBlobContainerClient(IngestStorage.CaptureContainer);
        await container.CreateIfNotExistsAsync();
        await container.GetBlobClient(name).UploadAsync(file);
        var rewards = Options.Create(new RewardsPolicyOptions());
        var stage = new IngestStage(
            blobs, new QueueServiceClient(azurite.ConnectionString), tables, registry, new EpochLedgerStore(tables, registry, rewards), rewards,
            new IngestOptions(), NullLogger<IngestStage>.Instance);

        await new IngestCaptureFunction(stage).Run(container.GetBlobClient(name), CancellationToken.None);

        var readings = blobs.GetBlobContainerClient(IngestStorage.AnalyticsContainer)
            .GetBlobClient(IngestStorage.ReadingsBlobName(CaptureBlobName.SourceId(name), enqueued));
        Assert.True(await readings.ExistsAsync());
    }
}
