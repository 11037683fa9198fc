using System.CommandLine;
using System.Globalization;
using Azure;
using Azure.Storage.Blobs;
using CityFn.Core.Ingest;
using CityFn.Core.Network;
using CityFn.LocalDev;
using Spectre.Console;

namespace CityFn.Cli.Network;

/// <summary>
/// <c>cityfn network publish FILE</c>: validates a road network map (docs/road-network.md; `cityfn simulate`
/// writes one as road-network.json) and uploads it where the scoring stage reads it.
/// </summary>
public static class NetworkCommands
{
    public static Command Build(IAnsiConsole console)
    {
        var file = new Argument<string>("file") { Description = "Road network map JSON (version, timeZone, segments), e.g. DIR/road-network.json from `cityfn simulate`." };
        var storage = new Option<string?>("--storage") { Description = "Storage connection string. Default: the Azurite that `cityfn dev up` runs." };
        var publish = new Command("publish", $"Validate a road network map and upload it as {IngestStorage.AnalyticsContainer}/{RoadNetworkStore.BlobName} (read by the traffic forecast).")
        {
            file, storage,
        };

        CliAction.Set(publish, console, async (parseResult, cancellationToken) =>
        {
            var path = parseResult.GetValue(file)!;
            if (!File.Exists(path))
            {
                console.MarkupLineInterpolated($"[red]error:[/] {path} does not exist.");
                return CliAction.UserError;
            }

            RoadNetworkMap map;
            try
            {
                map = RoadNetworkStore.Parse(await File.ReadAllBytesAsync(path, cancellationToken), path);
            }
            catch (InvalidRoadNetworkException exception)
            {
                console.MarkupLineInterpolated($"[red]error:[/] {path} is not a usable road network map:");
                foreach (var problem in exception.Problems)
                {
                    console.MarkupLineInterpolated($"  {problem}");
                }

                return CliAction.UserError;
            }

            var connectionString = parseResult.GetValue(storage)
                ?? (DevState.Load(DevPaths.ForRepository(RepositoryRoot.Find()).StateFile)?.Azurite ?? AzuriteEndpoints.Default).ConnectionString;
            try
            {
                await new RoadNetworkStore(new BlobServiceClient(connectionString)).SaveAsync(map, cancellationToken);
            }
            catch (Exception exception) when (exception is RequestFailedException or AggregateException or HttpRequestException)
            {
                throw new DependencyUnavailableException(
                    $"Storage is not reachable ({exception.GetBaseException().Message}).",
                    "Start Azurite with `cityfn dev up`, or pass --storage with a reachable account's connection string.");
            }

            console.MarkupLineInterpolated(CultureInfo.InvariantCulture,
                $"Published {map.Segments.Count} segments (time zone {map.TimeZone}) to {IngestStorage.AnalyticsContainer}/{RoadNetworkStore.BlobName}.");
            return CliAction.Ok;
        });

        return new Command("network", "The city's road network map (segments, neighbours, time zone) that the traffic forecast reads.") { publish };
    }
}
