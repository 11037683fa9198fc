using System.Text;
using System.Text.Json;
using Azure.Data.Tables;
using Azure.Storage.Blobs;
using Azure.Storage.Queues;
using CityFn.Core.Ingest;
using CityFn.Core.Scoring;
using CityFn.Core.Scoring.Alerts;
using CityFn.Core.Scoring.Features;
using CityFn.Core.Scoring.Outputs;
using CityFn.TestSupport;

namespace CityFn.Scoring.Tests.Outputs;

/// <summary>
/// Congestion alerts through the real output writer and alert log: one per episode of a segment (a run of congested
/// forecasts, ended by a forecast that is not congested), none again when jobs are re-run.
/// </summary>
[Collection(AzuriteCollection.Name)]
public sealed class CongestionEpisodesTests(AzuriteFixture azurite)
{
    private const double FreeFlow = 50;

    [Fact]
    public async Task A_segment_raises_one_alert_per_congestion_episode_and_none_again_on_a_rerun()
    {
        var (writer, queue) = await WriterAsync();
        var segment = $"seg-{Guid.NewGuid():N}";
        var start = new DateTimeOffset(2027, 3, 2, 7, 0, 0, TimeSpan.Zero);
        // Forecast speeds per minute: congested below 0.6 × 50 = 30 km/h. Two episodes: minutes 1–3 and 5–6.
        double[] speeds = [45, 20, 18, 25, 40, 22, 21];
        var jobs = speeds.Select((speed, minute) => (Job: Job(segment, start.AddMinutes(minute)), Speed: speed)).ToList();

        var raised = 0;
        foreach (var (job, speed) in jobs)
        {
            raised += await writer.WriteAsync(job, [Forecast(job, segment, speed)]);
        }

        var alerts = await ReceiveAsync(queue, segment);
        Assert.Equal(2, raised);
        Assert.Equal([start.AddMinutes(1 + 15), start.AddMinutes(5 + 15)], alerts.Select(a => a.Time));
        Assert.Equal([20.0, 22.0], alerts.Select(a => a.Score));
        Assert.All(alerts, a => Assert.Equal(0.6 * FreeFlow, a.Threshold, 9));
        Assert.Equal(
            [CongestionEpisodes.AlertId(segment, start.AddMinutes(16)), CongestionEpisodes.AlertId(segment, start.AddMinutes(20))],
            alerts.Select(a => a.AlertId));

        // Every job again (a redelivery, a replay), in order and then the episode's first job after a later one.
        var sentAgain = 0;
        foreach (var (job, speed) in jobs.Append(jobs[5]))
        {
            sentAgain += await writer.WriteAsync(job, [Forecast(job, segment, speed)]);
        }

        Assert.Empty(await ReceiveAsync(queue, segment));
        Assert.Equal(0, sentAgain);
    }

    [Fact]
    public async Task A_forecast_older_than_the_stored_one_neither_starts_nor_ends_an_episode()
    {
        var (writer, queue) = await WriterAsync();
        var segment = $"seg-{Guid.NewGuid():N}";
        var start = new DateTimeOffset(2027, 3, 3, 7, 0, 0, TimeSpan.Zero);
        var (first, second, third) = (Job(segment, start), Job(segment, start.AddMinutes(1)), Job(segment, start.AddMinutes(2)));

        // Jobs finish out of order: minute 2 (congested) before minute 1 (free), then minute 0 (congested).
        await writer.WriteAsync(third, [Forecast(third, segment, 20)]);
        await writer.WriteAsync(second, [Forecast(second, segment, 45)]);
        await writer.WriteAsync(first, [Forecast(first, segment, 19)]);

        var alert = Assert.Single(await ReceiveAsync(queue, segment));
        Assert.Equal(start.AddMinutes(2 + 15), alert.Time);
        Assert.Equal(third.JobId, alert.JobId);
    }

    private async Task<(ScoreOutputWriter Writer, QueueClient Queue)> WriterAsync()
    {
        var tables = new TableServiceClient(azurite.ConnectionString);
        var queues = new QueueServiceClient(azurite.ConnectionString);
        var queue = queues.GetQueueClient(ScoringStorage.AlertsQueue);
        await queue.CreateIfNotExistsAsync();
        var writer = new ScoreOutputWriter(new BlobServiceClient(azurite.ConnectionString), tables, new AlertLog(tables, queues), new ScoringOptions());
        return (writer, queue);
    }

    private static ScoreJob Job(string segment, DateTimeOffset minute) =>
        new($"{segment}-{minute:HHmm}:traffic", $"{segment}-{minute:HHmm}", "traffic", "none", 1, 6, minute, minute.AddMinutes(1));

    private static ModelScores Forecast(ScoreJob job, string segment, double speed) =>
        new(new StandInForecastModel(), [new ScoredRow(
            new FeatureRow(segment, "traffic", 1, job.WindowStart, job.WindowStart.AddMinutes(15), speed, FreeFlow), speed, "host-1", false)]);

    /// <summary>The alert messages about this segment (other tests' alerts share the queue and stay there).</summary>
    private static async Task<List<ScoringAlert>> ReceiveAsync(QueueClient queue, string segment)
    {
        var found = new List<ScoringAlert>();
        while (true)
        {
            var messages = (await queue.ReceiveMessagesAsync(32, TimeSpan.FromSeconds(30))).Value;
            if (messages.Length == 0)
            {
                return [.. found.OrderBy(a => a.Time)];
            }

            foreach (var message in messages)
            {
                var alert = JsonSerializer.Deserialize(Encoding.UTF8.GetString(Convert.FromBase64String(message.MessageText)), ScoringJsonContext.Default.ScoringAlert)!;
                if (alert.Entity == segment)
                {
                    found.Add(alert);
                    await queue.DeleteMessageAsync(message.MessageId, message.PopReceipt);
                }
            }
        }
    }
}
