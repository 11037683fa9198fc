using Azure.Storage.Blobs;
using CityFn.Core.Ingest;
using CityFn.Core.Scoring.Features;
using CityFn.TestSupport;
using Parquet.Serialization;

namespace CityFn.Scoring.Tests.Features;

/// <summary>
/// History from ingest's readings files: the per-process cache must never change a result — a re-ingested file is
/// read again, a deleted one drops out, a new one counts — and an unchanged file is not downloaded twice.
/// </summary>
[Collection(AzuriteCollection.Name)]
public sealed class ReadingsFileHistoryTests(AzuriteFixture azurite)
{
    [Fact]
    public async Task A_cached_file_counts_only_as_the_listing_shows_it_now()
    {
        var blobs = new BlobServiceClient(azurite.ConnectionString);
        var container = blobs.GetBlobContainerClient(IngestStorage.AnalyticsContainer);
        await container.CreateIfNotExistsAsync();
        // A day of its own: other tests' files are not in these hour folders.
        var minute = new DateTimeOffset(2100, 1, 1, 9, 59, 0, TimeSpan.Zero).AddDays(Random.Shared.Next(1, 2_000_000));
        var device = ScoringTestBed.Device(Random.Shared.Next(), 0);
        var (first, second) = (IngestStorage.ReadingsBlobName("a", minute.AddMinutes(-59)), IngestStorage.ReadingsBlobName("b", minute.AddMinutes(1)));
        var history = new ReadingsFileHistory(blobs, TimeProvider.System);
        async Task<double> SpeedAsync(string? except = null) =>
            (await history.ReadMinutesAsync(minute.AddMinutes(-30), minute.AddMinutes(1), except)).Mean(device, minute, "speed_kmh");

        await WriteAsync(container, first, device, minute, 10);
        Assert.Equal(10, await SpeedAsync());
        var downloads = history.Downloads;
        Assert.Equal(10, await SpeedAsync());
        Assert.Equal(downloads, history.Downloads);

        // Re-ingested with other readings (a new ETag), then a second file for the same minute in the next hour's folder.
        await WriteAsync(container, first, device, minute, 20);
        Assert.Equal(20, await SpeedAsync());
        await WriteAsync(container, second, device, minute, 40);
        Assert.Equal(30, await SpeedAsync());
        Assert.Equal(20, await SpeedAsync(except: second));

        await container.GetBlobClient(first).DeleteAsync();
        Assert.Equal(40, await SpeedAsync());
        Assert.True(double.IsNaN(await SpeedAsync(except: second)));
    }

    private static async Task WriteAsync(BlobContainerClient container, string blob, string device, DateTimeOffset minute, double speed)
    {
        ReadingRow[] rows =
        [
            new() { Device = device, Kind = "traffic", Time = minute.UtcDateTime.AddSeconds(10), FlowVehH = 600, OccupancyPct = 10, SpeedKmh = speed - 1 },
            new() { Device = device, Kind = "traffic", Time = minute.UtcDateTime.AddSeconds(40), FlowVehH = 600, OccupancyPct = 10, SpeedKmh = speed + 1 },
        ];
        using var buffer = new MemoryStream();
        await ParquetSerializer.SerializeAsync(rows, buffer);
        buffer.Position = 0;
        await container.GetBlobClient(blob).UploadAsync(buffer, overwrite: true);
    }
}
