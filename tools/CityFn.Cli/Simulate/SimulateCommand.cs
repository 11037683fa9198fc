using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using System.Net.Sockets;
using System.Text.Json;
using Azure;
using Azure.Storage.Blobs;
using CityFn.Core.Ingest;
using CityFn.LocalDev;
using CityFn.Simulator;
using Spectre.Console;

namespace CityFn.Cli.Simulate;

/// <summary>
/// <c>cityfn simulate</c>: runs the city simulator and writes what its devices send as Event Hubs Capture files
/// of signed messages, plus the device registry and the fault ground truth (docs/simulator.md).
/// </summary>
public static class SimulateCommand
{
    /// <summary>Default first minute for files: Wednesday 25 November 2026, 07:00 UTC (the morning peak begins).</summary>
    public static readonly DateTimeOffset DefaultStart = new(2026, 11, 25, 7, 0, 0, TimeSpan.Zero);

    public static Command Build(IAnsiConsole console)
    {
        var devices = new Option<int>("--devices") { Description = "Number of devices; half are traffic detectors, the rest air, noise and weather sensors.", DefaultValueFactory = _ => 150 };
        var minutes = new Option<int>("--minutes") { Description = "Simulated minutes (one message per device per minute).", DefaultValueFactory = _ => 60 };
        var seed = new Option<int>("--seed") { Description = "Seed of everything: network, traffic, weather, devices, keys, faults. Same seed, same files.", DefaultValueFactory = _ => 1 };
        var start = new Option<string?>("--start") { Description = "First simulated minute, ISO-8601 UTC (e.g. 2026-11-25T07:00:00Z). Default: 2026-11-25T07:00:00Z; with --publish, --minutes before now." };
        var faultRate = new Option<double>("--fault-rate") { Description = "Expected fraction of device-minutes inside a fault episode, 0 to <1.", DefaultValueFactory = _ => 0.05 };
        var output = new Option<string?>("--out") { Description = "Output folder: capture/ (Avro), registry.json, truth.jsonl. Required unless --publish." };
        var grid = new Option<string>("--grid") { Description = "Road grid ROWSxCOLUMNS of intersections.", DefaultValueFactory = _ => "10x10" };
        var incidents = new Option<double>("--incidents-per-day") { Description = "Mean number of random incidents (lane closures) per simulated day.", DefaultValueFactory = _ => 4 };
        var incident = new Option<string[]>("--incident") { Description = "An incident on top of the random ones: SEGMENT:MINUTE:DURATION:REMAINING, e.g. seg-r3c4-E:20:30:0.1 (lane closure from minute 20 for 30 minutes, 10 % of capacity left). Repeatable.", AllowMultipleArgumentsPerToken = false };
        var partitions = new Option<int>("--partitions") { Description = "Partitions per hub (a device always uses the same one).", DefaultValueFactory = _ => 4 };
        var captureNamespace = new Option<string>("--namespace") { Description = "Event Hubs namespace name in the capture blob names.", DefaultValueFactory = _ => "cityfn" };
        var chainId = new Option<long>("--chain-id") { Description = "EIP-712 chain id the registrations are signed for.", DefaultValueFactory = _ => 31337 };
        var notify = new Option<string?>("--notify") { Description = "After each file: upload it to --storage and post an Event Grid BlobCreated notification to this URL, e.g. http://localhost:7071/runtime/webhooks/blobs?functionName=Host.Functions.IngestCapture" };
        var storage = new Option<string?>("--storage") { Description = "Storage connection string for --notify. Default: the Azurite `cityfn dev up` runs." };
        var publish = new Option<string?>("--publish") { Description = "Send to this Event Hubs namespace (e.g. myns.servicebus.windows.net; hubs traffic and sensors) with DefaultAzureCredential instead of writing capture files." };
        var json = new Option<bool>("--json") { Description = "Print one JSON summary and no progress." };
        var command = new Command("simulate", "Simulate a city: signed traffic, air, noise and weather messages with labelled faults, as Event Hubs Capture files (or sent to Event Hubs).")
        {
            devices, minutes, seed, start, faultRate, output, grid, incidents, incident, partitions, captureNamespace, chainId, notify, storage, publish, json,
        };

        CliAction.Set(command, console, async (parseResult, cancellationToken) =>
        {
            var outFolder = parseResult.GetValue(output);
            var publishTo = parseResult.GetValue(publish);
            var notifyUrl = parseResult.GetValue(notify);
            var minuteCount = parseResult.GetValue(minutes);
            string? Problem()
            {
                if (outFolder is null && publishTo is null)
                {
                    return "--out DIR is required (or --publish NAMESPACE).";
                }

                if (publishTo is not null && notifyUrl is not null)
                {
                    return "--notify announces capture files; with --publish, Event Hubs Capture and Event Grid do that.";
                }

                if (notifyUrl is not null && !(Uri.TryCreate(notifyUrl, UriKind.Absolute, out var uri) && uri.Scheme is "http" or "https"))
                {
                    return $"--notify must be an http(s) URL, got \"{notifyUrl}\".";
                }

                if (outFolder is not null && publishTo is null && Directory.Exists(Path.Combine(outFolder, SimulationRun.CaptureFolderName))
                    && Directory.EnumerateFileSystemEntries(Path.Combine(outFolder, SimulationRun.CaptureFolderName)).Any())
                {
                    return $"{Path.Combine(outFolder, SimulationRun.CaptureFolderName)} already has files; use an empty --out folder (files of two runs would mix).";
                }

                return parseResult.GetValue(partitions) is < 1 or > 32 ? "--partitions must be 1 to 32." : null;
            }

            if (Problem() is { } problem || !TryGrid(parseResult.GetValue(grid)!, out var network, out problem)
                || !TryStart(parseResult.GetValue(start), publishTo is not null, minuteCount, out var first, out problem)
                || !TryIncidents(parseResult.GetValue(incident) ?? [], first, out var given, out problem))
            {
                console.MarkupLineInterpolated($"[red]error:[/] {problem}");
                return CliAction.UserError;
            }

            SimulationSettings settings;
            try
            {
                settings = new SimulationSettings(
                    new SimulationOptions
                    {
                        Seed = parseResult.GetValue(seed),
                        Devices = parseResult.GetValue(devices),
                        Minutes = minuteCount,
                        Start = first,
                        FaultRate = parseResult.GetValue(faultRate),
                        Network = network,
                        IncidentsPerDay = parseResult.GetValue(incidents),
                        Incidents = given,
                    },
                    parseResult.GetValue(partitions),
                    parseResult.GetValue(captureNamespace)!,
                    parseResult.GetValue(chainId));
                // Built once here only to turn bad options into a user error before anything is written.
                _ = new CitySimulation(settings.City);
            }
            catch (ArgumentException exception)
            {
                console.MarkupLineInterpolated($"[red]error:[/] {exception.Message}");
                return CliAction.UserError;
            }

            using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(30) };
            var notifier = notifyUrl is null ? null : await NotifierAsync(http, new Uri(notifyUrl), parseResult.GetValue(storage), cancellationToken);
            await using var publisher = publishTo is null ? null : new EventHubPublisher(publishTo);
            var quiet = parseResult.GetValue(json);
            var lastReport = Stopwatch.StartNew();
            void Progress(int done, long sent)
            {
                if (quiet || (done < minuteCount && lastReport.Elapsed < TimeSpan.FromSeconds(2)))
                {
                    return;
                }

                lastReport.Restart();
                console.MarkupLineInterpolated(CultureInfo.InvariantCulture, $"[grey]simulated {done}/{minuteCount} minutes ({100.0 * done / minuteCount:F0} %), {sent:N0} messages[/]");
            }

            SimulationSummary summary;
            try
            {
                summary = await new SimulationRun(settings, outFolder, publisher, notifier).RunAsync(Progress, cancellationToken);
            }
            catch (HttpRequestException exception) when (exception.StatusCode is null && notifyUrl is not null)
            {
                throw new DependencyUnavailableException(
                    $"The Functions host at {notifyUrl} is not reachable ({exception.GetBaseException().Message}).",
                    "Start it (`func start` in functions/CityFn.Functions against Azurite), or leave out --notify.", exception);
            }
            catch (HttpRequestException exception)
            {
                console.MarkupLineInterpolated($"[red]error:[/] {exception.Message}");
                return CliAction.NotOk;
            }

            Write(console, summary, quiet, outFolder);
            return CliAction.Ok;
        });
        return command;
    }

    private static async Task<EventGridNotifier> NotifierAsync(HttpClient http, Uri endpoint, string? storage, CancellationToken cancellationToken)
    {
        var connectionString = storage
            ?? (DevState.Load(DevPaths.ForRepository(RepositoryRoot.Find()).StateFile)?.Azurite ?? AzuriteEndpoints.Default).ConnectionString;
        var container = new BlobServiceClient(connectionString).GetBlobContainerClient(IngestStorage.CaptureContainer);
        try
        {
            await container.CreateIfNotExistsAsync(cancellationToken: cancellationToken);
        }
        catch (Exception exception) when (exception is RequestFailedException or AggregateException or HttpRequestException or SocketException)
        {
            throw new DependencyUnavailableException(
                $"Storage is not reachable ({exception.GetBaseException().Message}).",
                "Start Azurite with `cityfn dev up`, or pass --storage with a reachable account's connection string.", exception);
        }

        return new EventGridNotifier(http, endpoint, container, TimeProvider.System);
    }

    private static bool TryGrid(string text, out NetworkOptions network, out string? problem)
    {
        var parts = text.Split('x', 'X');
        if (parts.Length == 2 && int.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out var rows)
            && int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var columns) && rows is >= 2 and <= 100 && columns is >= 2 and <= 100)
        {
            network = new NetworkOptions { Rows = rows, Columns = columns };
            problem = null;
            return true;
        }

        network = new NetworkOptions();
        problem = $"--grid must be ROWSxCOLUMNS with 2 to 100 each (e.g. 10x10), got \"{text}\".";
        return false;
    }

    private static bool TryIncidents(string[] texts, DateTimeOffset start, out List<Incident> incidents, out string? problem)
    {
        incidents = [];
        problem = null;
        foreach (var text in texts)
        {
            var parts = text.Split(':');
            if (parts.Length != 4 || string.IsNullOrWhiteSpace(parts[0])
                || !int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var minute)
                || !int.TryParse(parts[2], NumberStyles.None, CultureInfo.InvariantCulture, out var duration) || duration < 1
                || !double.TryParse(parts[3], NumberStyles.Float, CultureInfo.InvariantCulture, out var remaining) || remaining is < 0 or >= 1)
            {
                problem = $"--incident must be SEGMENT:MINUTE:DURATION:REMAINING (e.g. seg-r3c4-E:20:30:0.1; duration >= 1 minute, remaining capacity 0 to <1), got \"{text}\".";
                return false;
            }

            incidents.Add(new Incident(parts[0], start.AddMinutes(minute), TimeSpan.FromMinutes(duration), remaining));
        }

        return true;
    }

    private static bool TryStart(string? text, bool publishing, int minutes, out DateTimeOffset start, out string? problem)
    {
        problem = null;
        var now = DateTimeOffset.UtcNow;
        if (text is null)
        {
            // Event Hubs stamps events with the real enqueue time, and ingest accepts windows up to 6 h old: publish the recent past.
            start = publishing ? new DateTimeOffset(now.Ticks - (now.Ticks % TimeSpan.TicksPerMinute), TimeSpan.Zero).AddMinutes(-minutes) : DefaultStart;
        }
        else if (text.Length < 20 || !(text.EndsWith('Z') || text[^6] is '+' or '-')
            || !DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal, out start))
        {
            start = default;
            problem = $"--start must be an ISO-8601 time with Z or an offset, e.g. 2026-11-25T07:00:00Z; got \"{text}\".";
            return false;
        }

        start = start.ToUniversalTime();
        if (start.Ticks % TimeSpan.TicksPerMinute != 0)
        {
            problem = $"--start must be on a whole minute, got {start:O}.";
        }
        else if (publishing && (start < now.AddHours(-6) || start.AddMinutes(minutes + 1) > now.AddMinutes(2)))
        {
            problem = "with --publish the whole run must lie in the last 6 hours (ingest judges windows against the real enqueue time): choose --start and --minutes (at most 360) accordingly.";
        }

        return problem is null;
    }

    private static void Write(IAnsiConsole console, SimulationSummary summary, bool json, string? outFolder)
    {
        if (json)
        {
            console.Profile.Out.Writer.WriteLine(JsonSerializer.Serialize(summary, SimulateJsonContext.Default.SimulationSummary));
            return;
        }

        var table = new Table().AddColumns("", "count");
        void Row(string name, double value, string format = "N0") => table.AddRow(name, value.ToString(format, CultureInfo.InvariantCulture));
        Row("devices", summary.Devices);
        Row("device-minutes", summary.DeviceMinutes);
        Row("messages sent", summary.Messages);
        foreach (var (hub, count) in summary.MessagesPerHub)
        {
            Row($"  to {hub}", count);
        }

        Row("  of which replays (ingest rejects them)", summary.ReplayedMessages);
        Row("dropped device-minutes", summary.DroppedMinutes);
        Row("faulty device-minutes (truth.jsonl)", summary.FaultyDeviceMinutes);
        Row("capture files", summary.Files);
        Row("capture bytes", summary.Bytes);
        Row("notifications posted", summary.Notified);
        Row("seconds", summary.Seconds, "F1");
        Row("device-minutes per second", summary.DeviceMinutes / Math.Max(summary.Seconds, 1e-3));
        console.Write(table);
        if (outFolder is not null)
        {
            console.MarkupLineInterpolated($"Register the devices with [bold]cityfn register --file {Path.Combine(outFolder, SimulationRun.RegistryFileName)}[/], then [bold]cityfn ingest {Path.Combine(outFolder, SimulationRun.CaptureFolderName)}[/].");
        }
    }
}
