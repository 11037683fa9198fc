using System.Globalization;
using System.Text;
using System.Text.Json;
using Azure;
using Azure.Data.Tables;
using Azure.Storage.Queues;
using CityFn.Core.Ethereum;
using CityFn.Core.Scoring.Outputs;

namespace CityFn.Core.Scoring.Alerts;

/// <summary>
/// Every alert the scoring stage raised, one row per <see cref="ScoringAlert.AlertId"/> in table
/// <see cref="Table"/>; the log decides whether an alert goes on queue "alerts". The row is written first and
/// the message sent only for a row not yet marked sent, so a redelivered or re-run job does not send its alerts
/// again, and a crash between the two sends it on the next run (at least once, never twice after a success).
/// </summary>
/// <remarks>
/// PK = 99999999 − yyyyMMdd of the alert time, RK = (max ticks − ticks) of the alert time, "-", keccak of the
/// alert id: the table service returns rows in key order, so one query with a row limit reads the newest first.
/// </remarks>
public sealed class AlertLog(TableServiceClient tables, QueueServiceClient queues)
{
    public const string Table = "alerts";

    /// <summary>Logs the alerts and sends those not sent before; returns how many were sent now.</summary>
    public async Task<int> RecordAsync(IReadOnlyList<ScoringAlert> alerts, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(alerts);
        if (alerts.Count == 0)
        {
            return 0;
        }

        var table = tables.GetTableClient(Table);
        await table.CreateIfNotExistsAsync(cancellationToken);
        var queue = queues.GetQueueClient(ScoringStorage.AlertsQueue);
        await queue.CreateIfNotExistsAsync(cancellationToken: cancellationToken);
        var sent = 0;
        foreach (var alert in alerts)
        {
            var entity = ToEntity(alert);
            try
            {
                await table.AddEntityAsync(entity, cancellationToken);
            }
            catch (RequestFailedException exception) when (exception.Status == 409)
            {
                var stored = await table.GetEntityAsync<TableEntity>(entity.PartitionKey, entity.RowKey, cancellationToken: cancellationToken);
                if (stored.Value.GetBoolean("Sent") == true)
                {
                    continue;
                }
            }

            await queue.SendMessageAsync(Convert.ToBase64String(JsonSerializer.SerializeToUtf8Bytes(alert, ScoringJsonContext.Default.ScoringAlert)), cancellationToken);
            await table.UpdateEntityAsync(new TableEntity(entity.PartitionKey, entity.RowKey) { ["Sent"] = true }, ETag.All, TableUpdateMode.Merge, cancellationToken);
            sent++;
        }

        return sent;
    }

    /// <summary>The newest <paramref name="max"/> alerts (by alert time), newest first.</summary>
    public async Task<IReadOnlyList<ScoringAlert>> ListRecentAsync(int max, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(max, 1);
        var result = new List<ScoringAlert>(Math.Min(max, 1000));
        try
        {
            await foreach (var page in tables.GetTableClient(Table).QueryAsync<TableEntity>(maxPerPage: Math.Min(max, 1000), cancellationToken: cancellationToken).AsPages())
            {
                foreach (var entity in page.Values)
                {
                    result.Add(FromEntity(entity));
                    if (result.Count == max)
                    {
                        return result;
                    }
                }
            }
        }
        catch (RequestFailedException exception) when (exception.Status == 404)
        {
            // No alert raised yet.
        }

        return result;
    }

    public static string PartitionKey(DateTimeOffset time) =>
        (99_999_999 - int.Parse(time.UtcDateTime.ToString("yyyyMMdd", CultureInfo.InvariantCulture), CultureInfo.InvariantCulture)).ToString("D8", CultureInfo.InvariantCulture);

    public static string RowKey(ScoringAlert alert)
    {
        ArgumentNullException.ThrowIfNull(alert);
        var inverted = DateTimeOffset.MaxValue.UtcTicks - alert.Time.UtcTicks;
        return $"{inverted.ToString("D19", CultureInfo.InvariantCulture)}-{Convert.ToHexStringLower(Keccak256.Hash(Encoding.UTF8.GetBytes(alert.AlertId)))[..32]}";
    }

    private static TableEntity ToEntity(ScoringAlert alert) => new(PartitionKey(alert.Time), RowKey(alert))
    {
        ["AlertId"] = alert.AlertId,
        ["Type"] = alert.Type,
        ["Entity"] = alert.Entity,
        ["Time"] = alert.Time,
        ["Score"] = alert.Score,
        ["Threshold"] = alert.Threshold,
        ["JobId"] = alert.JobId,
        ["Model"] = alert.Model,
        ["Host"] = alert.Host,
        ["Sent"] = false,
    };

    private static ScoringAlert FromEntity(TableEntity entity) => new(
        entity.GetString("AlertId") ?? "",
        entity.GetString("Type") ?? "",
        entity.GetString("Entity") ?? "",
        entity.GetDateTimeOffset("Time") ?? default,
        entity.GetDouble("Score") ?? 0,
        entity.GetDouble("Threshold") ?? 0,
        entity.GetString("JobId") ?? "",
        entity.GetString("Model") ?? "",
        entity.GetString("Host") ?? "");
}
