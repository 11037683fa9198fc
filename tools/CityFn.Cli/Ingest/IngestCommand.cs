using System.CommandLine;
using System.Text.Json;
using Azure;
using CityFn.Core.Devices;
using CityFn.Core.Ingest;
using CityFn.Core.Ingest.Capture;
using CityFn.Core.Rewards;
using CityFn.Core.Rewards.Ledger;
using CityFn.LocalDev;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Spectre.Console;

namespace CityFn.Cli.Ingest;

/// <summary>
/// <c>cityfn ingest &lt;file|dir&gt;...</c>: uploads capture files into the "capture" container (under their
/// Capture blob name when their path has that layout) and runs the same ingest stage the IngestCapture
/// function runs. Re-running the same files changes nothing.
/// </summary>
public static class IngestCommand
{
    public static Command Build(IAnsiConsole console)
    {
        var pathsArgument = new Argument<string[]>("paths") { Description = "Capture .avro files, or directories searched for them.", Arity = ArgumentArity.OneOrMore };
        var storageOption = new Option<string?>("--storage")
        {
            Description = "Storage connection string, or the account's blob endpoint (https://<account>.blob.core.windows.net) for identity-based access (DefaultAzureCredential). Default: the Azurite that `cityfn dev up` runs.",
        };
        var jsonOption = new Option<bool>("--json") { Description = "Print one JSON object: files, poisoned, messages, accepted, readings, rejected (code -> count), jobs, errors." };
        var command = new Command("ingest", "Ingest Event Hubs Capture files: validate, aggregate, write Parquet, dead letters and scoring jobs.")
        {
            pathsArgument, storageOption, jsonOption,
        };

        CliAction.Set(command, console, async (parseResult, cancellationToken) =>
        {
            var files = new List<(string Path, string BlobName)>();
            foreach (var path in parseResult.GetValue(pathsArgument) ?? [])
            {
                if (Directory.Exists(path))
                {
                    files.AddRange(Directory.EnumerateFiles(path, "*.avro", SearchOption.AllDirectories).Order(StringComparer.Ordinal)
                        .Select(f => (f, BlobNameFor(f, Path.GetRelativePath(path, f)))));
                }
                else if (File.Exists(path))
                {
                    files.Add((path, BlobNameFor(path, Path.GetFileName(path))));
                }
                else
                {
                    console.MarkupLineInterpolated($"[red]error:[/] {path} is neither a file nor a directory.");
                    return CliAction.UserError;
                }
            }

            IngestStorageTarget target;
            try
            {
                target = IngestStorageTarget.Create(parseResult.GetValue(storageOption)
                    ?? (DevState.Load(DevPaths.ForRepository(RepositoryRoot.Find()).StateFile)?.Azurite ?? AzuriteEndpoints.Default).ConnectionString);
            }
            catch (Exception exception) when (exception is ArgumentException or FormatException)
            {
                console.MarkupLineInterpolated($"[red]error:[/] {exception.Message}");
                return CliAction.UserError;
            }

            var (blobs, queues, tables) = target;
            var capture = blobs.GetBlobContainerClient(IngestStorage.CaptureContainer);
            try
            {
                await capture.CreateIfNotExistsAsync(cancellationToken: cancellationToken);
            }
            catch (Exception exception) when (exception is RequestFailedException or AggregateException or HttpRequestException)
            {
                throw new DependencyUnavailableException(
                    $"Storage is not reachable ({exception.GetBaseException().Message}).",
                    "Start Azurite with `cityfn dev up`, or pass --storage with a reachable account's connection string or blob endpoint.");
            }

            var registry = new DeviceRegistryStore(tables);
            var rewards = Options.Create(new RewardsPolicyOptions());
            var stage = new IngestStage(
                blobs, queues, tables, registry, new EpochLedgerStore(tables, registry, rewards), rewards,
                new IngestOptions(), NullLogger<IngestStage>.Instance);
            var summaries = new List<IngestSummary>();
            foreach (var (path, blobName) in files)
            {
                await using (var stream = File.OpenRead(path))
                {
                    await capture.GetBlobClient(blobName).UploadAsync(stream, overwrite: true, cancellationToken);
                }

                summaries.Add(await stage.IngestBlobAsync(IngestStorage.CaptureContainer, blobName, cancellationToken));
            }

            var total = Combine(summaries);
            if (parseResult.GetValue(jsonOption))
            {
                console.Profile.Out.Writer.WriteLine(JsonSerializer.Serialize(total, IngestJsonContext.Default.IngestSummary));
            }
            else
            {
                Write(console, total);
            }

            // A poisoned file or a damaged block (both listed in errors) is worth a non-zero exit.
            return total.Errors.Count == 0 ? CliAction.Ok : CliAction.NotOk;
        });
        return command;
    }

    /// <summary>The Capture blob name when the path ends in the Capture layout, else "local/&lt;relative path&gt;".</summary>
    internal static string BlobNameFor(string path, string relative)
    {
        var segments = Path.GetFullPath(path).Split(Path.DirectorySeparatorChar, StringSplitOptions.RemoveEmptyEntries);
        if (segments.Length >= 9 && CaptureBlobName.TryParse(string.Join('/', segments[^9..]), out var name))
        {
            return name.ToString();
        }

        return "local/" + relative.Replace(Path.DirectorySeparatorChar, '/');
    }

    internal static IngestSummary Combine(IReadOnlyCollection<IngestSummary> summaries) => new(
        summaries.Sum(s => s.Files),
        summaries.Sum(s => s.Poisoned),
        summaries.Sum(s => s.Messages),
        summaries.Sum(s => s.Accepted),
        summaries.Sum(s => s.Readings),
        summaries.SelectMany(s => s.Rejected).GroupBy(r => r.Key).OrderBy(g => g.Key, StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => g.Sum(r => r.Value), StringComparer.Ordinal),
        summaries.Sum(s => s.Jobs),
        summaries.SelectMany(s => s.Errors).ToList());

    private static void Write(IAnsiConsole console, IngestSummary total)
    {
        var table = new Table().AddColumns("", "count");
        table.AddRow("files", total.Files.ToString(System.Globalization.CultureInfo.InvariantCulture));
        table.AddRow("poisoned files", total.Poisoned.ToString(System.Globalization.CultureInfo.InvariantCulture));
        table.AddRow("messages", total.Messages.ToString(System.Globalization.CultureInfo.InvariantCulture));
        table.AddRow("accepted", total.Accepted.ToString(System.Globalization.CultureInfo.InvariantCulture));
        table.AddRow("accepted readings", total.Readings.ToString(System.Globalization.CultureInfo.InvariantCulture));
        foreach (var (reason, count) in total.Rejected)
        {
            table.AddRow($"rejected: {reason}", count.ToString(System.Globalization.CultureInfo.InvariantCulture));
        }

        table.AddRow("scoring jobs", total.Jobs.ToString(System.Globalization.CultureInfo.InvariantCulture));
        console.Write(table);
        foreach (var error in total.Errors)
        {
            console.MarkupLineInterpolated($"[red]error:[/] {error}");
        }
    }
}
