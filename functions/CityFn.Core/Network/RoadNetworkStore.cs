using System.Text.Json;
using Azure;
using Azure.Storage.Blobs;
using CityFn.Core.Ingest;

namespace CityFn.Core.Network;

/// <summary>
/// Saves and loads the city's <see cref="RoadNetworkMap"/> as blob <see cref="BlobName"/> in the analytics
/// container (`cityfn network publish` writes it; the scoring stage reads it).
/// </summary>
public sealed class RoadNetworkStore(BlobServiceClient blobs)
{
    public const string BlobName = "network/road-network.json";

    /// <summary>Validates, then uploads (replacing the previous map).</summary>
    public async Task SaveAsync(RoadNetworkMap map, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(map);
        var problems = map.Validate();
        if (problems.Count > 0)
        {
            throw new InvalidRoadNetworkException("The map", problems);
        }

        var container = blobs.GetBlobContainerClient(IngestStorage.AnalyticsContainer);
        await container.CreateIfNotExistsAsync(cancellationToken: cancellationToken);
        await container.GetBlobClient(BlobName).UploadAsync(
            BinaryData.FromBytes(JsonSerializer.SerializeToUtf8Bytes(map, RoadNetworkJsonContext.Default.RoadNetworkMap)), overwrite: true, cancellationToken);
    }

    /// <summary>The published map, or null when none is published. A stored map that is not valid throws <see cref="InvalidRoadNetworkException"/>.</summary>
    public async Task<RoadNetworkMap?> LoadAsync(CancellationToken cancellationToken = default)
    {
        try
        {
            var content = await blobs.GetBlobContainerClient(IngestStorage.AnalyticsContainer).GetBlobClient(BlobName).DownloadContentAsync(cancellationToken);
            return Parse(content.Value.Content.ToArray(), $"{IngestStorage.AnalyticsContainer}/{BlobName}");
        }
        catch (RequestFailedException exception) when (exception.Status == 404)
        {
            return null;
        }
    }

    /// <summary>Reads and validates a map from UTF-8 JSON; <paramref name="source"/> names it in errors.</summary>
    public static RoadNetworkMap Parse(ReadOnlySpan<byte> json, string source)
    {
        RoadNetworkMap? map;
        try
        {
            map = JsonSerializer.Deserialize(json, RoadNetworkJsonContext.Default.RoadNetworkMap);
        }
        catch (JsonException exception)
        {
            throw new InvalidRoadNetworkException(source, [$"not valid JSON of a road network map ({exception.Message})."]);
        }

        if (map is null)
        {
            throw new InvalidRoadNetworkException(source, ["the file holds null instead of a map."]);
        }

        var problems = map.Validate();
        return problems.Count > 0 ? throw new InvalidRoadNetworkException(source, problems) : map;
    }
}
