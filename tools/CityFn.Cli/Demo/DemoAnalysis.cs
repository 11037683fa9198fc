using System.Text.Json;
using Azure.Storage.Blobs;
using CityFn.Cli.Simulate;
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
    /// Forecast MAE. The forecast files are read column by column, so any forecast model's output works: a
    /// numeric column whose name holds "speed" is the forecast speed (km/h) for the row's time "for"; the row's
    /// "segment" (or a traffic device, mapped to its segment) names where. Persistence predicts the true speed
    /// at "based_on" (the forecast's last minute) for "for".
    /// </summary>
    public static async Task<DemoForecast> ForecastAsync(
        BlobContainerClient analytics, string model, IReadOnlyDictionary<(string Segment, DateTimeOffset Minute), double> trueSpeeds,
        IReadOnlyDictionary<string, string> segmentOfDevice, CancellationToken cancellationToken = default)
    {
        long forecasts = 0, compared = 0;
        double error = 0, persistenceError = 0;
        string? speedColumn = null;
        await foreach (var blob in analytics.GetBlobsAsync(Azure.Storage.Blobs.Models.BlobTraits.None, Azure.Storage.Blobs.Models.BlobStates.None, prefix: "forecasts/", cancellationToken: cancellationToken))
        {
            var columns = await ReadColumnsAsync(analytics.GetBlobClient(blob.Name), cancellationToken);
            var rows = columns.Values.FirstOrDefault()?.Count ?? 0;
            forecasts += rows;
            speedColumn ??= columns.Keys.FirstOrDefault(name => name.Contains("speed", StringComparison.OrdinalIgnoreCase) && columns[name].Any(v => v is double or float));
            if (speedColumn is null || !columns.TryGetValue("for", out var forTimes) || !columns.TryGetValue("based_on", out var basedOn))
            {
                continue;
            }

            var where = columns.GetValueOrDefault("segment") ?? columns.GetValueOrDefault("device") ?? columns.GetValueOrDefault("detector");
            for (var i = 0; i < rows; i++)
            {
                if (where?[i] is not string entity || columns[speedColumn][i] is not { } predictedValue
                    || forTimes[i] is not DateTime forTime || basedOn[i] is not DateTime basedTime)
                {
                    continue;
                }

                var segment = segmentOfDevice.GetValueOrDefault(entity) ?? entity;
                if (trueSpeeds.TryGetValue((segment, Floor(forTime)), out var actual) && trueSpeeds.TryGetValue((segment, Floor(basedTime)), out var latest))
                {
                    compared++;
                    error += Math.Abs(Convert.ToDouble(predictedValue, System.Globalization.CultureInfo.InvariantCulture) - actual);
                    persistenceError += Math.Abs(latest - actual);
                }
            }
        }

        if (compared == 0)
        {
            var note = speedColumn is null
                ? $"not measured: the {model} model in use forecasts no speed (its output is a congestion score), so there is nothing to compare in km/h"
                : "not measured: no forecast matched a simulated segment-minute";
            return new DemoForecast(model, forecasts, 0, null, null, note);
        }

        return new DemoForecast(
            model, forecasts, compared, Math.Round(error / compared, 2), Math.Round(persistenceError / compared, 2),
            $"mean absolute error of the {speedColumn} forecast against the simulator's true segment speed at the forecast time; persistence carries the speed of the forecast's last minute forward");
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

    private static async Task<Dictionary<string, List<object?>>> ReadColumnsAsync(BlobClient blob, CancellationToken cancellationToken)
    {
        using var stream = await DownloadAsync(blob, cancellationToken);
        var result = await ParquetSerializer.DeserializeUntypedAsync(stream, cancellationToken: cancellationToken);
        var columns = new Dictionary<string, List<object?>>(StringComparer.Ordinal);
        foreach (var field in result.Schema.GetDataFields())
        {
            columns[field.Name] = [.. result.Data.Select(row => row.TryGetValue(field.Name, out var value) ? value : null)];
        }

        return columns;
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
