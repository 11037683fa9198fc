using System.Diagnostics;
using System.Text.Json;
using CityFn.Core.Network;
using CityFn.Simulator;

namespace CityFn.Cli.Simulate;

/// <summary>
/// One `cityfn simulate` run: registry.json, road-network.json and truth.jsonl into the output folder (when there is one), and
/// every minute's messages either into Capture files under output/capture (optionally uploaded and announced
/// to a Functions host) or to Event Hubs.
/// </summary>
internal sealed class SimulationRun(SimulationSettings settings, string? outputFolder, EventHubPublisher? publisher, EventGridNotifier? notifier)
{
    public const string RegistryFileName = "registry.json";
    public const string TruthFileName = "truth.jsonl";
    public const string CaptureFolderName = "capture";
    public const string RoadNetworkFileName = "road-network.json";

    /// <summary>
    /// Runs the whole simulation; <paramref name="progress"/> gets (minutes done, messages so far) after each minute,
    /// <paramref name="observe"/> each simulated minute (truth included) as it is produced.
    /// </summary>
    public async Task<SimulationSummary> RunAsync(
        Action<int, long>? progress = null, CancellationToken cancellationToken = default, Action<CityFn.Simulator.SimulationMinute>? observe = null)
    {
        var stopwatch = Stopwatch.StartNew();
        var city = new SignedCity(settings);
        var registry = city.Registry();
        CaptureDirectory? capture = null;
        StreamWriter? truth = null;
        if (outputFolder is not null)
        {
            Directory.CreateDirectory(outputFolder);
            var indented = new SimulateJsonContext(new JsonSerializerOptions(SimulateJsonContext.Default.Options) { WriteIndented = true });
            await File.WriteAllTextAsync(Path.Combine(outputFolder, RegistryFileName), JsonSerializer.Serialize(registry, indented.RegistryFile), cancellationToken);
            await File.WriteAllBytesAsync(
                Path.Combine(outputFolder, RoadNetworkFileName),
                JsonSerializer.SerializeToUtf8Bytes(RoadNetworkExport.ToMap(city.Simulation.Network), RoadNetworkJsonContext.Default.RoadNetworkMap),
                cancellationToken);
            truth = new StreamWriter(Path.Combine(outputFolder, TruthFileName)) { NewLine = "\n" };
            if (publisher is null)
            {
                capture = new CaptureDirectory(Path.Combine(outputFolder, CaptureFolderName), settings.Namespace, settings.City.Seed);
            }
        }

        long messages = 0, replayed = 0, dropped = 0, faulty = 0, bytes = 0, deviceMinutes = 0;
        int files = 0, notified = 0;
        var perHub = new SortedDictionary<string, long>(StringComparer.Ordinal);
        try
        {
            foreach (var minute in city.Simulation.Run())
            {
                cancellationToken.ThrowIfCancellationRequested();
                observe?.Invoke(minute);
                var (sent, faults) = city.Sign(minute);
                deviceMinutes += minute.Readings.Count;
                messages += sent.Count;
                replayed += sent.Count(m => m.IsReplay);
                dropped += minute.Readings.Count(r => r.Emitted is null);
                faulty += faults.Count;
                foreach (var message in sent)
                {
                    perHub[message.Hub] = perHub.GetValueOrDefault(message.Hub) + 1;
                }

                if (truth is not null)
                {
                    foreach (var record in faults)
                    {
                        await truth.WriteLineAsync(JsonSerializer.Serialize(record, SimulateJsonContext.Default.TruthRecord).AsMemory(), cancellationToken);
                    }
                }

                if (publisher is not null)
                {
                    await publisher.SendAsync(sent, cancellationToken);
                }
                else if (capture is not null)
                {
                    foreach (var (blobName, path, size) in capture.WriteWindow(sent))
                    {
                        files++;
                        bytes += size;
                        if (notifier is not null)
                        {
                            await notifier.NotifyAsync(blobName, path, cancellationToken);
                            notified++;
                        }
                    }
                }

                progress?.Invoke(minute.Minute + 1, messages);
            }
        }
        finally
        {
            if (truth is not null)
            {
                await truth.DisposeAsync();
            }
        }

        return new SimulationSummary(
            settings.City.Devices, settings.City.Minutes, deviceMinutes, messages, messages - replayed, replayed, dropped, faulty,
            messages - replayed, perHub, files, bytes, notified, Math.Round(stopwatch.Elapsed.TotalSeconds, 3));
    }
}
