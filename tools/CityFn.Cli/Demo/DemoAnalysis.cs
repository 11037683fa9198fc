using System.Text.Json;
using Azure.Storage.Blobs;
using CityFn.Cli.Simulate;
using CityFn.Core.Features;
using CityFn.Core.Scoring;
using CityFn.Core.Scoring.Outputs;
using Parquet.Serialization;

namespace CityFn.Cli.Demo;

/// <summary>
/// Compares the scoring outputs (read back from analytics/forecasts and analytics/quality, as any consumer
/// would) with the simulator's ground truth: forecast error against persistence, and injected faults against
/// quality scores at or above the fault threshold.
/// </summary>
internal static class DemoAnalysis
{
    private static readonly TimeSpan Minute = TimeSpan.FromMinutes(1);

    /// <summary>
    /// Forecast MAE: each forecast row's speed against the simulator's true (noise-free) mean segment speed over the
    /// minutes it is for (<see cref="TrafficForecastFeatures.TargetMinutes"/> from its <c>for</c> time); persistence
    /// predicts the latest measured speed the forecast was based on.
    /// </summary>
    public static async Task<DemoForecast> ForecastAsync(
        BlobContainerClient analytics, string model, IReadOnlyDictionary<(string Segment, DateTimeOffset Minute), double> trueSpeeds, CancellationToken cancellationToken = default)
    {
        long forecasts = 0, compared = 0;
        double error = 0, persistenceError = 0;
        await foreach (var blob in analytics.GetBlobsAsync(Azure.Storage.Blobs.Models.BlobTraits.None, Azure.Storage.Blobs.Models.BlobStates.None, prefix: "forecasts/", cancellationToken: cancellationToken))
        {
            using var stream = await DownloadAsync(analytics.GetBlobClient(blob.Name), cancellationToken);
            foreach (var row in (await ParquetSerializer.DeserializeAsync<ForecastRow>(stream, cancellationToken: cancellationToken)).Data)
            {
                forecasts++;
                if (row.LatestSpeedKmh is { } latest && TargetTruth(trueSpeeds, row.Segment, Floor(row.For)) is { } actual)
                {
                    compared++;
                    error += Math.Abs(row.SpeedKmh - actual);
                    persistenceError += Math.Abs(latest - actual);
                }
            }
        }

        return compared == 0
            ? new DemoForecast(model, forecasts, 0, null, null, "not measured: no forecast is for minutes inside the simulated run")
            : new DemoForecast(
                model, forecasts, compared, Math.Round(error / compared, 2), Math.Round(persistenceError / compared, 2),
                "forecasts whose 5 target minutes lie inside the simulated run, against the simulator's true mean segment speed over them; persistence predicts the latest measured speed");
    }

    /// <summary>The true mean speed over a forecast's target minutes, or null when any of them is outside the run.</summary>
    private static double? TargetTruth(IReadOnlyDictionary<(string Segment, DateTimeOffset Minute), double> trueSpeeds, string segment, DateTimeOffset first)
    {
        var sum = 0.0;
        for (var m = 0; m < TrafficForecastFeatures.TargetMinutes; m++)
        {
            if (!trueSpeeds.TryGetValue((segment, first.AddMinutes(m)), out var speed))
            {
                return null;
            }

            sum += speed;
        }

        return sum / TrafficForecastFeatures.TargetMinutes;
    }

    /// <summary>Fault detection: each device-minute of truth.jsonl against the quality score of the window ending with that minute.</summary>
    public static async Task<DemoFaults> FaultsAsync(
        BlobContainerClient analytics, string truthFile, double threshold, IReadOnlyDictionary<string, long> rejected, CancellationToken cancellationToken = default)
    {
        var truth = new Dictionary<(string Device, DateTimeOffset Minute), string>();
        foreach (var line in await File.ReadAllLinesAsync(truthFile, cancellationToken))
        {
            if (line.Length > 0 && JsonSerializer.Deserialize(line, SimulateJsonContext.Default.TruthRecord) is { } record)
            {
                truth[(record.Device.ToLowerInvariant(), DateTimeOffset.Parse(record.Minute, System.Globalization.CultureInfo.InvariantCulture))] = record.Fault;
            }
        }

        // One score per device-minute: a host's row, else the CPU reference's.
        var scores = new Dictionary<(string Device, DateTimeOffset Minute), QualityRow>();
        await foreach (var blob in analytics.GetBlobsAsync(Azure.Storage.Blobs.Models.BlobTraits.None, Azure.Storage.Blobs.Models.BlobStates.None, prefix: "quality/", cancellationToken: cancellationToken))
        {
            using var stream = await DownloadAsync(analytics.GetBlobClient(blob.Name), cancellationToken);
            foreach (var row in (await ParquetSerializer.DeserializeAsync<QualityRow>(stream, cancellationToken: cancellationToken)).Data)
            {
                var key = (row.Device.ToLowerInvariant(), Floor(row.Time) - Minute);
                if (!scores.TryGetValue(key, out var existing) || existing.Host == ScoreStage.ReferenceHost)
                {
                    scores[key] = row;
                }
            }
        }

        var flagged = scores.Where(s => s.Value.FaultProbability >= threshold).ToList();
        var flaggedFaulty = flagged.LongCount(s => truth.ContainsKey(s.Key));
        var kinds = new List<DemoFaultKind>();
        foreach (var kind in truth.Values.Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal))
        {
            var injected = truth.Where(t => t.Value == kind).Select(t => t.Key).ToList();
            var scored = injected.Where(scores.ContainsKey).ToList();
            var detected = scored.LongCount(key => scores[key].FaultProbability >= threshold);
            var (caughtBy, caught) = kind switch
            {
                "replayed" => ("ingest (replay check: rejected)", rejected.GetValueOrDefault("duplicate_message") + rejected.GetValueOrDefault("sequence_reused")),
                "dropout" => ("rewards (missing samples earn nothing)", 0L),
                _ => ("sensor-quality model", detected),
            };
            kinds.Add(new DemoFaultKind(kind, injected.Count, scored.Count, caught, caughtBy));
        }

        return new DemoFaults(
            threshold, scores.Count, flagged.Count, flaggedFaulty, flagged.Count == 0 ? null : Math.Round((double)flaggedFaulty / flagged.Count, 3), kinds,
            "a device-minute is flagged when the quality score of the 30-minute window ending with it is at or above the threshold; detected = injected device-minutes flagged (replays: messages rejected at ingest)");
    }

    private static async Task<MemoryStream> DownloadAsync(BlobClient blob, CancellationToken cancellationToken)
    {
        var buffer = new MemoryStream();
        await blob.DownloadToAsync(buffer, cancellationToken);
        buffer.Position = 0;
        return buffer;
    }

    private static DateTimeOffset Floor(DateTime time) => Floor(new DateTimeOffset(DateTime.SpecifyKind(time, DateTimeKind.Utc)));

    private static DateTimeOffset Floor(DateTimeOffset time) => new(time.UtcTicks - (time.UtcTicks % TimeSpan.TicksPerMinute), TimeSpan.Zero);
}
