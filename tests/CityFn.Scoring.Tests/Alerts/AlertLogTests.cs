using System.Text;
using System.Text.Json;
using Azure.Data.Tables;
using Azure.Storage.Queues;
using CityFn.Core.Scoring;
using CityFn.Core.Scoring.Alerts;
using CityFn.Core.Scoring.Outputs;
using CityFn.TestSupport;

namespace CityFn.Scoring.Tests.Alerts;

[Collection(AzuriteCollection.Name)]
public sealed class AlertLogTests(AzuriteFixture azurite)
{
    [Fact]
    public async Task A_rerun_job_logs_its_alerts_once_and_does_not_send_them_again()
    {
        var queues = new QueueServiceClient(azurite.ConnectionString);
        var queue = queues.GetQueueClient(ScoringStorage.AlertsQueue);
        await queue.CreateIfNotExistsAsync();
        await queue.ClearMessagesAsync();
        var log = new AlertLog(new TableServiceClient(azurite.ConnectionString), queues);
        // Far in the future, so other tests' alerts in the same storage are older.
        var at = new DateTimeOffset(2090, 1, 1, 8, 0, 0, TimeSpan.Zero);
        var job = "job-" + Guid.NewGuid().ToString("N");
        ScoringAlert[] alerts =
        [
            new($"{job}|congestion|seg-a", ScoringAlert.Congestion, "seg-a", at, 12.5, 30, job, "traffic-forecast", "host-1"),
            new($"{job}|sensor_fault|0xdev", ScoringAlert.SensorFault, "0xdev", at.AddMinutes(-10), 0.97, 0.8, job, "sensor-quality", "host-1"),
        ];

        var first = await log.RecordAsync(alerts);
        var rerun = await log.RecordAsync(alerts);
        var recent = await log.ListRecentAsync(2);

        Assert.Equal(2, first);
        Assert.Equal(0, rerun);
        var messages = (await queue.ReceiveMessagesAsync(32)).Value
            .Select(m => JsonSerializer.Deserialize(Encoding.UTF8.GetString(Convert.FromBase64String(m.MessageText)), ScoringJsonContext.Default.ScoringAlert)!)
            .ToList();
        Assert.Equal([alerts[0].AlertId, alerts[1].AlertId], messages.Select(m => m.AlertId).Order(StringComparer.Ordinal));
        Assert.Equal([alerts[0], alerts[1]], recent);
    }

    [Fact]
    public async Task An_alert_logged_but_not_sent_before_a_crash_is_sent_on_the_next_run()
    {
        var tables = new TableServiceClient(azurite.ConnectionString);
        var queues = new QueueServiceClient(azurite.ConnectionString);
        var queue = queues.GetQueueClient(ScoringStorage.AlertsQueue);
        await queue.CreateIfNotExistsAsync();
        await queue.ClearMessagesAsync();
        var job = "job-" + Guid.NewGuid().ToString("N");
        var alert = new ScoringAlert($"{job}|congestion|seg-b", ScoringAlert.Congestion, "seg-b", new DateTimeOffset(2030, 5, 1, 7, 0, 0, TimeSpan.Zero), 10, 30, job, "m", "h");
        var table = tables.GetTableClient(AlertLog.Table);
        await table.CreateIfNotExistsAsync();
        // What a crash between the row and the message leaves behind.
        await table.AddEntityAsync(new TableEntity(AlertLog.PartitionKey(alert.Time), AlertLog.RowKey(alert)) { ["AlertId"] = alert.AlertId, ["Sent"] = false });

        var sent = await new AlertLog(tables, queues).RecordAsync([alert]);

        Assert.Equal(1, sent);
        Assert.Single((await queue.ReceiveMessagesAsync(32)).Value);
    }
}
