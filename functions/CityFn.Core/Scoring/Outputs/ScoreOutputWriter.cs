using Azure;
using Azure.Data.Tables;
using Azure.Storage.Blobs;
using CityFn.Core.Ingest;
using CityFn.Core.Scoring.Alerts;
using CityFn.Core.Scoring.Features;
using Parquet.Serialization;

namespace CityFn.Core.Scoring.Outputs;

/// <summary>A scored feature row: the score (output column 0), the host whose signed answer was used, and whether it was spot-checked.</summary>
public sealed record ScoredRow(FeatureRow Row, double Score, string Host, bool Verified);

/// <summary>All rows one model scored for a job.</summary>
public sealed record ModelScores(IScoringModel Model, IReadOnlyList<ScoredRow> Rows);

/// <summary>
/// Writes a job's scores: Parquet named by the job (a redelivery overwrites), the latest forecast per
/// segment and quality per device in Table storage (only when newer than what is there), and alerts
/// through the <see cref="AlertLog"/> (sent once per alert id).
/// </summary>
public sealed class ScoreOutputWriter(BlobServiceClient blobs, TableServiceClient tables, AlertLog alertLog, ScoringOptions options)
{
    /// <summary>Writes the job's outputs; returns how many alerts were sent now.</summary>
    public async Task<int> WriteAsync(ScoreJob job, IReadOnlyList<ModelScores> scores, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(job);
        ArgumentNullException.ThrowIfNull(scores);
        var hour = new DateTimeOffset(job.WindowStart.UtcDateTime.Date.AddHours(job.WindowStart.UtcDateTime.Hour), TimeSpan.Zero);
        var alerts = new List<ScoringAlert>();
        var forecasts = scores.Where(s => s.Model.Output == ScoreOutputKind.Forecast).SelectMany(s => s.Rows.Select(r => (s.Model, r))).ToList();
        var quality = scores.Where(s => s.Model.Output == ScoreOutputKind.Quality).SelectMany(s => s.Rows.Select(r => (s.Model, r))).ToList();
        var container = blobs.GetBlobContainerClient(ScoringStorage.AnalyticsContainer);
        await container.CreateIfNotExistsAsync(cancellationToken: cancellationToken);

        if (scores.Any(s => s.Model.Output == ScoreOutputKind.Forecast))
        {
            var rows = forecasts.Select(f => ToForecastRow(job, f.Model, f.r)).ToList();
            await UploadParquetAsync(container.GetBlobClient(ScoringStorage.ForecastsBlobName(job.JobId, hour)), rows, cancellationToken);
            var table = await TableAsync(ScoringStorage.SegmentForecastsTable, cancellationToken);
            var episodes = new Dictionary<string, DateTimeOffset?>(StringComparer.Ordinal);
            await UpsertNewerAsync(table, rows.Select(row => new TableEntity(ScoringStorage.SegmentPartition, ScoringStorage.Key(row.Segment))
                {
                    ["Segment"] = row.Segment, ["BasedOn"] = new DateTimeOffset(row.BasedOn, TimeSpan.Zero), ["For"] = new DateTimeOffset(row.For, TimeSpan.Zero),
                    ["SpeedKmh"] = row.SpeedKmh, ["LatestSpeedKmh"] = row.LatestSpeedKmh, ["FreeFlowSpeedKmh"] = row.FreeFlowSpeedKmh,
                    ["Congestion"] = row.Congestion, ["Level"] = row.Level, ["Alert"] = row.Alert, ["Devices"] = row.Devices, ["JobId"] = job.JobId,
                    ["Model"] = row.Model, ["Host"] = row.Host, ["Verified"] = row.Verified,
                }), "For", (entity, stored) => episodes[entity.RowKey] = CongestionEpisodes.Settle(entity, stored), cancellationToken);
            foreach (var row in rows)
            {
                var time = new DateTimeOffset(row.For, TimeSpan.Zero);
                // One alert per congestion episode: raised by the forecast that started it (also on a re-run, or after a
                // later forecast already continued the episode); the alert log sends each episode's alert once.
                if (row.Alert && episodes.GetValueOrDefault(ScoringStorage.Key(row.Segment)) == time)
                {
                    // Score = forecast speed, threshold = the speed below which the segment counts as congested.
                    alerts.Add(new ScoringAlert(CongestionEpisodes.AlertId(row.Segment, time), ScoringAlert.Congestion, row.Segment, time, row.SpeedKmh,
                        options.CongestionSpeedRatio * row.FreeFlowSpeedKmh!.Value, job.JobId, row.Model, row.Host));
                }
            }
        }

        if (scores.Any(s => s.Model.Output == ScoreOutputKind.Quality))
        {
            var rows = quality.Select(q => new QualityRow
            {
                Job = job.JobId, Model = q.Model.Name, Device = q.r.Row.Entity, Kind = q.r.Row.Kind, Time = q.r.Row.For.UtcDateTime,
                FaultProbability = q.r.Score, Quality = 1 - q.r.Score, Alert = q.r.Score >= options.FaultAlertThreshold,
                Host = q.r.Host, Verified = q.r.Verified,
            }).ToList();
            await UploadParquetAsync(container.GetBlobClient(ScoringStorage.QualityBlobName(job.JobId, hour)), rows, cancellationToken);
            var table = await TableAsync(ScoringStorage.DeviceQualityTable, cancellationToken);
            await UpsertNewerAsync(table, rows.Select(row => new TableEntity(ScoringStorage.DevicePartition, ScoringStorage.Key(row.Device))
                {
                    ["Device"] = row.Device, ["Kind"] = row.Kind, ["Time"] = new DateTimeOffset(row.Time, TimeSpan.Zero), ["Quality"] = row.Quality,
                    ["FaultProbability"] = row.FaultProbability, ["Alert"] = row.Alert, ["JobId"] = job.JobId, ["Host"] = row.Host,
                }), "Time", null, cancellationToken);
            foreach (var row in rows)
            {
                if (row.Alert)
                {
                    alerts.Add(Alert(ScoringAlert.SensorFault, row.Device, new DateTimeOffset(row.Time, TimeSpan.Zero), row.FaultProbability, options.FaultAlertThreshold, job, row.Model, row.Host));
                }
            }
        }

        // The alerts sent now: a congestion episode raises an alert every congested minute under one id, and a
        // re-run job raises its alerts again; the log sends each id once.
        return await alertLog.RecordAsync(alerts, cancellationToken);
    }

    public async Task<SegmentForecast?> FindForecastAsync(string segment, CancellationToken cancellationToken = default)
    {
        var entity = await FindAsync(ScoringStorage.SegmentForecastsTable, ScoringStorage.SegmentPartition, segment, cancellationToken);
        // A row without a speed was written by the stand-in before the trained model: no forecast.
        return entity?.GetDouble("SpeedKmh") is null ? null : new SegmentForecast(
            entity.GetString("Segment") ?? segment, entity.GetDateTimeOffset("BasedOn") ?? default, entity.GetDateTimeOffset("For") ?? default,
            entity.GetDouble("SpeedKmh")!.Value, entity.GetDouble("LatestSpeedKmh"), entity.GetDouble("FreeFlowSpeedKmh"),
            entity.GetDouble("Congestion"), entity.GetString("Level"), entity.GetBoolean("Alert") ?? false, entity.GetInt32("Devices") ?? 0,
            entity.GetString("JobId") ?? "", entity.GetString("Model") ?? "", entity.GetString("Host") ?? "", entity.GetBoolean("Verified") ?? false);
    }

    public async Task<DeviceQuality?> FindQualityAsync(string device, CancellationToken cancellationToken = default)
    {
        var entity = await FindAsync(ScoringStorage.DeviceQualityTable, ScoringStorage.DevicePartition, device, cancellationToken);
        return entity is null ? null : new DeviceQuality(
            entity.GetString("Device") ?? device, entity.GetString("Kind") ?? "", entity.GetDateTimeOffset("Time") ?? default,
            entity.GetDouble("Quality") ?? 0, entity.GetDouble("FaultProbability") ?? 0, entity.GetBoolean("Alert") ?? false,
            entity.GetString("JobId") ?? "", entity.GetString("Host") ?? "");
    }

    private async Task<TableEntity?> FindAsync(string tableName, string partition, string key, CancellationToken cancellationToken)
    {
        try
        {
            var found = await tables.GetTableClient(tableName).GetEntityIfExistsAsync<TableEntity>(partition, ScoringStorage.Key(key), cancellationToken: cancellationToken);
            return found.HasValue ? found.Value : null;
        }
        catch (RequestFailedException exception) when (exception.Status == 404)
        {
            return null;
        }
    }

    /// <summary>The scored speed as a forecast row; congestion only where the free-flow speed is known.</summary>
    private ForecastRow ToForecastRow(ScoreJob job, IScoringModel model, ScoredRow scored)
    {
        var row = new ForecastRow
        {
            Job = job.JobId, Model = model.Name, Segment = scored.Row.Entity, Devices = scored.Row.Devices,
            BasedOn = scored.Row.BasedOn.UtcDateTime, For = scored.Row.For.UtcDateTime, SpeedKmh = scored.Score,
            LatestSpeedKmh = scored.Row.LatestSpeedKmh, FreeFlowSpeedKmh = scored.Row.FreeFlowSpeedKmh, Host = scored.Host, Verified = scored.Verified,
        };
        if (scored.Row.FreeFlowSpeedKmh is { } freeFlow && double.IsFinite(scored.Score))
        {
            row.Congestion = CongestionLevels.Congestion(scored.Score, freeFlow);
            row.Level = CongestionLevels.Level(scored.Score, freeFlow, options.CongestionSpeedRatio);
            row.Alert = row.Level == CongestionLevels.Congested;
        }

        return row;
    }

    private static ScoringAlert Alert(string type, string entity, DateTimeOffset time, double score, double threshold, ScoreJob job, string model, string host) =>
        new($"{job.JobId}|{type}|{entity}", type, entity, time, score, threshold, job.JobId, model, host);

    private static async Task UploadParquetAsync<T>(BlobClient blob, IReadOnlyList<T> rows, CancellationToken cancellationToken)
        where T : new()
    {
        using var buffer = new MemoryStream();
        await ParquetSerializer.SerializeAsync(rows, buffer, cancellationToken: cancellationToken);
        buffer.Position = 0;
        await blob.UploadAsync(buffer, overwrite: true, cancellationToken);
    }

    /// <summary>
    /// Jobs finish in any order: a row is replaced only by a later one (by <paramref name="timeProperty"/>).
    /// Per chunk of rows: one filtered read of what is stored, then one transaction of inserts and
    /// ETag-conditional replaces; when a concurrent job wrote one of them in between, the transaction fails as
    /// a whole and the chunk is settled row by row. <paramref name="settle"/> sees each new row with the row stored
    /// when it is decided (null when none), before it is written or found older; it may change the new row, and is
    /// called again when a conflict makes the row be decided again.
    /// </summary>
    private static async Task UpsertNewerAsync(
        TableClient table, IEnumerable<TableEntity> entities, string timeProperty, Action<TableEntity, TableEntity?>? settle, CancellationToken cancellationToken)
    {
        // The table service allows at most 15 comparisons in a filter.
        foreach (var chunk in entities.GroupBy(e => e.RowKey, StringComparer.Ordinal).Select(g => g.MaxBy(e => e.GetDateTimeOffset(timeProperty))!).Chunk(14))
        {
            var partition = chunk[0].PartitionKey;
            var filter = $"PartitionKey eq '{partition}' and ({string.Join(" or ", chunk.Select(e => $"RowKey eq '{e.RowKey.Replace("'", "''", StringComparison.Ordinal)}'"))})";
            var stored = new Dictionary<string, TableEntity>(StringComparer.Ordinal);
            await foreach (var entity in table.QueryAsync<TableEntity>(filter, cancellationToken: cancellationToken))
            {
                stored[entity.RowKey] = entity;
            }

            var actions = new List<TableTransactionAction>();
            foreach (var entity in chunk)
            {
                settle?.Invoke(entity, stored.GetValueOrDefault(entity.RowKey));
                if (!stored.TryGetValue(entity.RowKey, out var existing))
                {
                    actions.Add(new TableTransactionAction(TableTransactionActionType.Add, entity));
                }
                else if (!(existing.GetDateTimeOffset(timeProperty) > entity.GetDateTimeOffset(timeProperty)))
                {
                    actions.Add(new TableTransactionAction(TableTransactionActionType.UpdateReplace, entity, existing.ETag));
                }
            }

            if (actions.Count == 0)
            {
                continue;
            }

            try
            {
                await table.SubmitTransactionAsync(actions, cancellationToken);
            }
            catch (TableTransactionFailedException)
            {
                foreach (var entity in chunk)
                {
                    await UpsertIfNewerAsync(table, entity, timeProperty, settle, cancellationToken);
                }
            }
        }
    }

    private static async Task UpsertIfNewerAsync(
        TableClient table, TableEntity entity, string timeProperty, Action<TableEntity, TableEntity?>? settle, CancellationToken cancellationToken)
    {
        for (var attempt = 0; attempt < 5; attempt++)
        {
            var existing = await table.GetEntityIfExistsAsync<TableEntity>(entity.PartitionKey, entity.RowKey, cancellationToken: cancellationToken);
            settle?.Invoke(entity, existing.HasValue ? existing.Value : null);
            try
            {
                if (!existing.HasValue || existing.Value is null)
                {
                    await table.AddEntityAsync(entity, cancellationToken);
                    return;
                }

                if (existing.Value.GetDateTimeOffset(timeProperty) > entity.GetDateTimeOffset(timeProperty))
                {
                    return;
                }

                await table.UpdateEntityAsync(entity, existing.Value.ETag, TableUpdateMode.Replace, cancellationToken);
                return;
            }
            catch (RequestFailedException exception) when (exception.Status is 409 or 412)
            {
                // Another job wrote it in between: read again and decide again.
            }
        }
    }

    private async Task<TableClient> TableAsync(string name, CancellationToken cancellationToken)
    {
        var table = tables.GetTableClient(name);
        await table.CreateIfNotExistsAsync(cancellationToken);
        return table;
    }
}
