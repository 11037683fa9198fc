using CityFn.Core.Scoring;
using Microsoft.Azure.Functions.Worker;

namespace CityFn.Functions.Scoring;

/// <summary>
/// A scoring job on queue "score-jobs" (base64 JSON from ingest; the trigger decodes it) is scored by the
/// stage. When no edge host can score it the stage throws and the host makes the message visible again
/// after host.json's visibilityTimeout; after maxDequeueCount it lands in "score-jobs-poison". Redeliveries
/// are skipped by job id.
/// </summary>
public sealed class ScoreJobsFunction(ScoreStage stage)
{
    [Function("ScoreJobs")]
    public Task Run(
        [QueueTrigger(ScoringStorage.JobsQueue, Connection = "AzureWebJobsStorage")] string message,
        CancellationToken cancellationToken) => stage.ScoreMessageAsync(message, cancellationToken);
}
