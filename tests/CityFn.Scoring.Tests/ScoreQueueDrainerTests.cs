using CityFn.Core.Scoring;
using CityFn.TestSupport;

namespace CityFn.Scoring.Tests;

/// <summary>What happens to messages that cannot be scored: nothing is dropped.</summary>
[Collection(AzuriteCollection.Name)]
public sealed class ScoreQueueDrainerTests(AzuriteFixture azurite)
{
    [Fact]
    public async Task A_job_no_host_can_score_goes_back_with_a_backoff_and_after_the_max_dequeue_count_to_the_poison_queue()
    {
        await using var bed = new ScoringTestBed(azurite.ConnectionString, new Dictionary<string, string?>
        {
            ["Scoring:MaxDequeueCount"] = "2",
            ["Scoring:NoHostBackoff"] = "00:00:01",
        });
        await bed.ClearQueuesAsync();
        var job = await bed.WriteTrafficJobAsync(7, new DateTimeOffset(2026, 11, 25, 9, 0, 0, TimeSpan.Zero));
        await bed.EnqueueAsync(job);

        var first = await bed.Drainer.DrainAsync();

        Assert.Equal(1, first.Deferred);
        Assert.Equal(0, first.Poisoned);
        Assert.Contains(first.Errors, e => e.Contains("No edge host is usable", StringComparison.Ordinal));
        var jobs = bed.Queues.GetQueueClient(ScoringStorage.JobsQueue);
        Assert.Empty((await jobs.PeekMessagesAsync()).Value);

        // Visible again after the backoff; the second dequeue reaches the maximum.
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while ((await jobs.PeekMessagesAsync()).Value.Length == 0)
        {
            Assert.True(DateTime.UtcNow < deadline, "the message did not come back after its backoff");
            await Task.Delay(100);
        }

        var second = await bed.Drainer.DrainAsync();

        Assert.Equal(1, second.Poisoned);
        var poisoned = Assert.Single((await bed.Queues.GetQueueClient(ScoringStorage.PoisonQueue).ReceiveMessagesAsync(10)).Value);
        Assert.Equal(job.JobId, ScoreStage.TryParse(poisoned.MessageText, out _)!.JobId);
        Assert.Empty((await jobs.PeekMessagesAsync()).Value);
    }

    [Theory]
    [InlineData("not base64 and not json")]
    [InlineData("{\"jobId\":\"x\"}")]
    public async Task A_message_that_is_not_a_job_goes_to_the_poison_queue_at_once(string message)
    {
        await using var bed = new ScoringTestBed(azurite.ConnectionString);
        await bed.ClearQueuesAsync();
        await bed.Queues.GetQueueClient(ScoringStorage.JobsQueue).SendMessageAsync(message);

        var summary = await bed.Drainer.DrainAsync();

        Assert.Equal(1, summary.Poisoned);
        Assert.Contains(summary.Errors, e => e.Contains("not a scoring job", StringComparison.Ordinal));
        Assert.Single((await bed.Queues.GetQueueClient(ScoringStorage.PoisonQueue).ReceiveMessagesAsync(10)).Value);
    }

    [Fact]
    public async Task A_job_whose_readings_blob_is_gone_goes_to_the_poison_queue_with_the_reason()
    {
        await using var bed = new ScoringTestBed(azurite.ConnectionString);
        await bed.ClearQueuesAsync();
        var job = await bed.WriteTrafficJobAsync(8, new DateTimeOffset(2026, 11, 25, 9, 0, 0, TimeSpan.Zero));
        await bed.Blobs.GetBlobContainerClient(ScoringStorage.AnalyticsContainer).DeleteBlobAsync(job.ReadingsBlob);
        await bed.EnqueueAsync(job);

        var summary = await bed.Drainer.DrainAsync();

        Assert.Equal(1, summary.Poisoned);
        Assert.Contains(summary.Errors, e => e.Contains("does not exist", StringComparison.Ordinal));
    }
}
