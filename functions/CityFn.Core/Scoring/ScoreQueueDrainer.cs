using Azure.Storage.Queues;
using Azure.Storage.Queues.Models;
using CityFn.Core.Scoring.Hosts;
using Microsoft.Extensions.Logging;

namespace CityFn.Core.Scoring;

/// <summary>
/// Drains queue "score-jobs" through the <see cref="ScoreStage"/> outside the Functions host (`cityfn score`,
/// the benchmark, the tests), doing what the host's queue trigger does: a message is deleted once scored; with
/// no usable host it is made visible again after a backoff that doubles per dequeue; after
/// <see cref="ScoringOptions.MaxDequeueCount"/> dequeues it goes to the poison queue. Nothing is dropped.
/// </summary>
public sealed partial class ScoreQueueDrainer(QueueServiceClient queues, ScoreStage stage, ScoringOptions options, ILogger<ScoreQueueDrainer> logger)
{
    /// <summary>How long a received message stays invisible to other consumers while it is scored.</summary>
    public static readonly TimeSpan LeaseTime = TimeSpan.FromMinutes(5);

    /// <summary>Receives and scores until the queue shows no visible message; <paramref name="parallelism"/> jobs at a time.</summary>
    public async Task<ScoreSummary> DrainAsync(int parallelism = 4, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(parallelism, 1);
        var queue = queues.GetQueueClient(ScoringStorage.JobsQueue);
        await queue.CreateIfNotExistsAsync(cancellationToken: cancellationToken);
        var results = new System.Collections.Concurrent.ConcurrentBag<ScoreJobResult>();
        var errors = new System.Collections.Concurrent.ConcurrentBag<string>();
        var deferred = 0;
        var poisonedByCount = 0;
        while (true)
        {
            QueueMessage[] messages = (await queue.ReceiveMessagesAsync(Math.Min(32, parallelism * 4), LeaseTime, cancellationToken)).Value;
            if (messages.Length == 0)
            {
                break;
            }

            await Parallel.ForEachAsync(messages, new ParallelOptions { MaxDegreeOfParallelism = parallelism, CancellationToken = cancellationToken }, async (message, token) =>
            {
                try
                {
                    results.Add(await stage.ScoreMessageAsync(message.MessageText, token));
                    await queue.DeleteMessageAsync(message.MessageId, message.PopReceipt, token);
                }
                catch (NoUsableHostException exception)
                {
                    errors.Add(exception.Message);
                    if (message.DequeueCount >= options.MaxDequeueCount)
                    {
                        await stage.PoisonAsync(message.MessageText, $"dequeued {message.DequeueCount} times: {exception.Message}", token);
                        await queue.DeleteMessageAsync(message.MessageId, message.PopReceipt, token);
                        Interlocked.Increment(ref poisonedByCount);
                    }
                    else
                    {
                        var backoff = TimeSpan.FromTicks(options.NoHostBackoff.Ticks * (1L << (int)Math.Min(message.DequeueCount - 1, 10)));
                        LogDeferred(message.MessageId, backoff, exception.Message);
                        await queue.UpdateMessageAsync(message.MessageId, message.PopReceipt, visibilityTimeout: backoff, cancellationToken: token);
                        Interlocked.Increment(ref deferred);
                    }
                }
            });
        }

        var all = results.ToList();
        return new ScoreSummary(
            all.Count + deferred + poisonedByCount,
            all.Count(r => r.Status == ScoreJobStatus.Scored),
            all.Count(r => r.Status == ScoreJobStatus.Skipped),
            all.Sum(r => r.Retried),
            all.Sum(r => r.Hedged),
            all.Sum(r => r.Verified),
            all.Sum(r => r.Mismatches),
            all.Count(r => r.Status == ScoreJobStatus.Poisoned) + poisonedByCount,
            deferred,
            all.Sum(r => r.Rows),
            all.Sum(r => r.Alerts),
            [.. all.SelectMany(r => r.Quarantined).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal)],
            [.. errors.Concat(all.Where(r => r.Error is not null).Select(r => r.Error!)).Distinct(StringComparer.Ordinal)]);
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Message {MessageId} back on the queue in {Backoff}: {Error}")]
    private partial void LogDeferred(string messageId, TimeSpan backoff, string error);
}
