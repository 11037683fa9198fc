using Azure.Storage.Blobs;
using CityFn.Core.Ingest;
using Parquet.Serialization;

namespace CityFn.Scoring.Tests.Features;

/// <summary>Readings as an earlier capture file's readings Parquet, written where ingest writes it (the hour folder of its first reading).</summary>
internal static class ReadingsFiles
{
    public static async Task WriteAsync(string connectionString, IReadOnlyList<ReadingRow> rows)
    {
        var first = rows.Min(r => r.Time);
        var hour = new DateTimeOffset(first.Date.AddHours(first.Hour), TimeSpan.Zero);
        var container = new BlobServiceClient(connectionString).GetBlobContainerClient(IngestStorage.AnalyticsContainer);
        await container.CreateIfNotExistsAsync();
        using var buffer = new MemoryStream();
        await ParquetSerializer.SerializeAsync(rows, buffer);
        buffer.Position = 0;
        await container.GetBlobClient(IngestStorage.ReadingsBlobName($"test_{Guid.NewGuid():N}", hour)).UploadAsync(buffer, overwrite: true);
    }
}
