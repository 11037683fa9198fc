using System.Text;
using System.Text.Json;
using Azure;
using Azure.Data.Tables;
using Azure.Storage.Blobs;
using Azure.Storage.Queues;
using CityFn.Core.Ingest;
using CityFn.Core.Rewards;
using CityFn.Core.Rewards.Ledger;
using CityFn.Core.Scoring.Features;
using CityFn.Core.Scoring.Hosts;
using CityFn.Core.Scoring.Outputs;
using CityFn.Core.Scoring.Verification;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Parquet.Serialization;

namespace CityFn.Core.Scoring;

/// <summary>
/// Scores one job from queue "score-jobs" (docs/scoring.md): read the job's readings, build each applicable
/// model's feature matrix, score it on the edge hosts (retry, hedge), spot-check a random fraction on a
/// second host or the CPU reference (quarantine and evidence on a mismatch), then write outputs, checks and
/// epoch ledger rows, all keyed by the job so a redelivery overwrites. The ScoreJobs function and
/// `cityfn score` both call it.
/// </summary>
public sealed partial class ScoreStage(
    BlobServiceClient blobs,
    QueueServiceClient queues,
    TableServiceClient tables,
    IEnumerable<IScoringModel> models,
    InferenceDispatcher dispatcher,
    EdgeHostPool pool,
    CpuReference reference,
    VerificationSampler sampler,
    ScoreOutputWriter outputs,
    VerificationLog checks,
    QuarantineStore quarantines,
    ScoringJobStore jobs,
    EpochLedgerStore ledger,
    IOptions<RewardsPolicyOptions> rewards,
    ScoringOptions options,
    TimeProvider timeProvider,
    ILogger<ScoreStage> logger)
{
    /// <summary>The host name recorded for rows whose scores came from the CPU reference (no host was right).</summary>
    public const string ReferenceHost = "cpu-reference";

    private readonly IReadOnlyList<IScoringModel> _models = [.. models];
    private readonly EpochClock _epochs = new(rewards.Value.EpochLength);

    /// <summary>
    /// Scores a queue message (JSON, or base64 JSON as ingest sends it). A message that is not a job, or
    /// whose readings are gone, is moved to the poison queue. <see cref="NoUsableHostException"/> means:
    /// put it back and try later.
    /// </summary>
    public async Task<ScoreJobResult> ScoreMessageAsync(string message, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(message);
        var job = TryParse(message, out var error);
        if (job is null)
        {
            await PoisonAsync(message, error!, cancellationToken);
            return ScoreJobResult.Poison("", error!);
        }

        try
        {
            return await ScoreAsync(job, cancellationToken);
        }
        catch (ReadingsUnavailableException exception)
        {
            await PoisonAsync(message, exception.Message, cancellationToken);
            return ScoreJobResult.Poison(job.JobId, exception.Message);
        }
    }

    public async Task<ScoreJobResult> ScoreAsync(ScoreJob job, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(job);
        var state = await jobs.FindAsync(job.JobId, cancellationToken);
        if (state?.Done == true)
        {
            LogSkipped(job.JobId);
            return ScoreJobResult.Skip(job.JobId);
        }

        var readings = await ReadReadingsAsync(job, cancellationToken);
        var epoch = _epochs.EpochOf(job.WindowStart);
        var counters = new JobCounters();
        var scores = new List<ModelScores>();
        var hostChecks = new List<HostCheck>();
        foreach (var model in _models.Where(m => m.Scores(job.Kind)))
        {
            var matrix = await model.FeaturizeAsync(job, readings, cancellationToken);
            var verify = sampler.ShouldVerify();
            var rows = new List<ScoredRow>(matrix.Rows.Count);
            for (int start = 0, chunk = 0; start < matrix.Rows.Count; start += options.MaxRowsPerCall, chunk++)
            {
                var count = Math.Min(options.MaxRowsPerCall, matrix.Rows.Count - start);
                var (scored, host, verified) = await ScoreChunkAsync(job, epoch, model, matrix, start, count, chunk, verify, counters, hostChecks, cancellationToken);
                for (var i = 0; i < count; i++)
                {
                    rows.Add(new ScoredRow(matrix.Rows[start + i], scored[i], host, verified));
                }
            }

            scores.Add(new ModelScores(model, rows));
        }

        var alerts = await outputs.WriteAsync(job, scores, cancellationToken);
        await checks.RecordAsync(hostChecks, cancellationToken);
        await WriteLedgerAsync(job, epoch, state, scores, cancellationToken);
        var result = new ScoreJobResult(job.JobId, ScoreJobStatus.Scored, scores.Sum(s => s.Rows.Count), counters.Retried, counters.Hedged,
            counters.Verified, counters.Mismatches, alerts, [.. counters.Quarantined]);
        await jobs.MarkDoneAsync(job.JobId, epoch, ComputeRows(job, epoch, scores).Keys.ToList(), result, cancellationToken);
        LogScored(job.JobId, result.Rows, result.Verified, result.Mismatches);
        return result;
    }

    public async Task PoisonAsync(string message, string error, CancellationToken cancellationToken = default)
    {
        LogPoisoned(error);
        var queue = queues.GetQueueClient(ScoringStorage.PoisonQueue);
        await queue.CreateIfNotExistsAsync(cancellationToken: cancellationToken);
        var text = message.TrimStart().StartsWith('{') ? Convert.ToBase64String(Encoding.UTF8.GetBytes(message)) : message;
        await queue.SendMessageAsync(text, cancellationToken);
    }

    public static ScoreJob? TryParse(string message, out string? error)
    {
        ArgumentNullException.ThrowIfNull(message);
        error = null;
        try
        {
            var json = message.TrimStart().StartsWith('{') ? message : Encoding.UTF8.GetString(Convert.FromBase64String(message.Trim()));
            var job = JsonSerializer.Deserialize(json, IngestJsonContext.Default.ScoreJob);
            if (job is null || string.IsNullOrWhiteSpace(job.JobId) || string.IsNullOrWhiteSpace(job.Kind) || string.IsNullOrWhiteSpace(job.ReadingsBlob))
            {
                error = "The message is not a scoring job: jobId, kind and readingsBlob are required.";
                return null;
            }

            return job;
        }
        catch (Exception exception) when (exception is JsonException or FormatException)
        {
            error = $"The message is not a scoring job (JSON, or base64 of JSON, with jobId, kind, readingsBlob): {exception.Message}";
            return null;
        }
    }

    private async Task<(float[] Scores, string Host, bool Verified)> ScoreChunkAsync(
        ScoreJob job, long epoch, IScoringModel model, FeatureMatrix matrix, int start, int count, int chunk, bool verify,
        JobCounters counters, List<HostCheck> hostChecks, CancellationToken cancellationToken)
    {
        var call = new InferenceCall(model.Name, model.InputName, model.OutputName, $"{job.JobId}|{model.Name}|{chunk}", matrix.ToBytes(start, count), count, matrix.Columns);
        var primary = await dispatcher.InferAsync(call, new HashSet<string>(StringComparer.Ordinal), cancellationToken);
        counters.Add(primary);
        var first = primary.Inference;
        var firstScores = first.Scores();
        if (!verify)
        {
            return (firstScores, first.Host, false);
        }

        counters.Verified++;
        // A forecast's alert is its speed below a per-segment speed (ScoreOutputWriter): speeds that agree within
        // the tolerance decide it alike, so only quality scores have a flag to compare here.
        var threshold = model.Output == ScoreOutputKind.Forecast ? double.PositiveInfinity : options.FaultAlertThreshold;
        SignedInference? second = null;
        try
        {
            var check = await dispatcher.InferAsync(call with { RequestId = call.RequestId + "|check" }, new HashSet<string>([first.Host], StringComparer.Ordinal), cancellationToken);
            counters.Add(check);
            second = check.Inference;
        }
        catch (NoUsableHostException)
        {
            // No second host: the CPU reference checks alone.
        }

        var checkId = $"{ScoringStorage.JobKey(job.JobId)}-{model.Name}-{chunk}";
        var now = timeProvider.GetUtcNow();
        if (second is not null && ScoreComparison.Agree(firstScores, second.Scores(), options.Tolerance, threshold))
        {
            hostChecks.Add(new HostCheck(first.Host, checkId, job.JobId, model.Name, true, second.Host, now, null));
            hostChecks.Add(new HostCheck(second.Host, checkId, job.JobId, model.Name, true, first.Host, now, null));
            return (firstScores, first.Host, true);
        }

        if (!reference.Has(model.Name))
        {
            if (second is null)
            {
                LogUnverifiable(job.JobId, model.Name, reference.Folder);
                counters.Verified--;
                return (firstScores, first.Host, false);
            }

            throw new NoUsableHostException($"Hosts {first.Host} and {second.Host} disagree on {call.RequestId} and the CPU reference has no model {model.Name} to decide.");
        }

        var features = matrix.Values.AsSpan(start * matrix.Columns, count * matrix.Columns).ToArray();
        var referenceOutput = reference.Run(model.Name, model.InputName, model.OutputName, features, count, matrix.Columns);
        var width = referenceOutput.Length / count;
        var referenceScores = Enumerable.Range(0, count).Select(r => referenceOutput[r * width]).ToArray();
        var firstRight = ScoreComparison.Agree(firstScores, referenceScores, options.Tolerance, threshold);
        var secondRight = second is not null && ScoreComparison.Agree(second.Scores(), referenceScores, options.Tolerance, threshold);
        var peer = second?.Host ?? ReferenceHost;
        if (firstRight && (second is null || secondRight))
        {
            hostChecks.Add(new HostCheck(first.Host, checkId, job.JobId, model.Name, true, peer, now, null));
            if (second is not null)
            {
                hostChecks.Add(new HostCheck(second.Host, checkId, job.JobId, model.Name, true, first.Host, now, null));
            }

            return (firstScores, first.Host, true);
        }

        counters.Mismatches++;
        var wrong = new List<string>();
        if (!firstRight)
        {
            wrong.Add(first.Host);
        }

        if (second is not null && !secondRight)
        {
            wrong.Add(second.Host);
        }

        var responses = new List<SignedResponseEvidence> { SignedResponseEvidence.From(first, firstRight) };
        if (second is not null)
        {
            responses.Add(SignedResponseEvidence.From(second, secondRight));
        }

        var evidenceBlob = MismatchEvidence.BlobName(job.JobId, model.Name, chunk);
        var evidence = new MismatchEvidence(job.JobId, model.Name, chunk, now, Convert.ToBase64String(call.Input), count, matrix.Columns,
            responses, referenceScores, options.Tolerance, wrong);
        var container = blobs.GetBlobContainerClient(ScoringStorage.EvidenceContainer);
        await container.CreateIfNotExistsAsync(cancellationToken: cancellationToken);
        await container.GetBlobClient(evidenceBlob).UploadAsync(
            BinaryData.FromBytes(JsonSerializer.SerializeToUtf8Bytes(evidence, ScoringJsonContext.Default.MismatchEvidence)), overwrite: true, cancellationToken);

        foreach (var host in wrong)
        {
            var reason = $"scores of {call.RequestId} disagree with the CPU reference beyond {options.Tolerance}";
            pool.Exclude(host);
            // Concurrent jobs can catch the same host: the first quarantine (and its evidence) is the one kept.
            var quarantine = await quarantines.AddAsync(new HostQuarantineEntry(host, reason, $"{ScoringStorage.EvidenceContainer}/{evidenceBlob}", now), cancellationToken);
            await ledger.RecordQuarantinesAsync([new QuarantineRecord(epoch, host, quarantine.Reason, quarantine.Evidence)], cancellationToken);
            counters.Quarantined.Add(host);
            LogQuarantined(host, call.RequestId, evidenceBlob);
        }

        hostChecks.Add(new HostCheck(first.Host, checkId, job.JobId, model.Name, firstRight, peer, now, evidenceBlob));
        if (second is not null)
        {
            hostChecks.Add(new HostCheck(second.Host, checkId, job.JobId, model.Name, secondRight, first.Host, now, evidenceBlob));
        }

        return firstRight ? (firstScores, first.Host, true)
            : secondRight ? (second!.Scores(), second.Host, true)
            : (referenceScores, ReferenceHost, true);
    }

    /// <summary>
    /// Compute rows per (host, model) for this job and quality per device per epoch. Compute rows a previous,
    /// unfinished run of this job wrote for hosts this run did not use are removed first, so each scored row
    /// is credited once whichever run finishes.
    /// </summary>
    private async Task WriteLedgerAsync(ScoreJob job, long epoch, ScoringJobState? previous, IReadOnlyList<ModelScores> scores, CancellationToken cancellationToken)
    {
        var compute = ComputeRows(job, epoch, scores);
        if (previous is { ComputeRowKeys.Count: > 0 })
        {
            var table = tables.GetTableClient(LedgerKeys.TableName);
            foreach (var stale in previous.ComputeRowKeys.Except(compute.Keys, StringComparer.Ordinal))
            {
                try
                {
                    await table.DeleteEntityAsync(LedgerKeys.Partition(previous.ComputeEpoch), stale, cancellationToken: cancellationToken);
                }
                catch (RequestFailedException exception) when (exception.Status == 404)
                {
                    // Already gone.
                }
            }
        }

        await jobs.MarkWritingAsync(job.JobId, epoch, compute.Keys.ToList(), cancellationToken);
        await ledger.RecordComputeAsync(compute.Values, cancellationToken);
        var quality = scores.Where(s => s.Model.Output == ScoreOutputKind.Quality)
            .SelectMany(s => s.Rows)
            .GroupBy(r => (Epoch: _epochs.EpochOf(r.Row.For), r.Row.Entity))
            .Select(g => new QualityRecord(g.Key.Epoch, g.Key.Entity, job.JobId, g.Sum(r => Math.Clamp(1 - r.Score, 0, 1)), g.Count()));
        await ledger.RecordQualityAsync(quality, cancellationToken);
    }

    private static Dictionary<string, ComputeRecord> ComputeRows(ScoreJob job, long epoch, IReadOnlyList<ModelScores> scores) =>
        scores.SelectMany(s => s.Rows.Where(r => r.Host != ReferenceHost).Select(r => (s.Model.Name, r.Host)))
            .GroupBy(x => x)
            .Select(g => new ComputeRecord(epoch, g.Key.Host, g.Key.Name, job.JobId, g.Count(), g.Key.Host))
            .ToDictionary(r => $"{LedgerKeys.Compute}|{LedgerKeys.Address(r.Host, "host")}|{LedgerKeys.ModelKey(r.Model)}|{LedgerKeys.SourceKey(r.Source)}", StringComparer.Ordinal);

    private async Task<IReadOnlyList<ReadingRow>> ReadReadingsAsync(ScoreJob job, CancellationToken cancellationToken)
    {
        var blob = blobs.GetBlobContainerClient(ScoringStorage.AnalyticsContainer).GetBlobClient(job.ReadingsBlob);
        try
        {
            using var buffer = new MemoryStream();
            await blob.DownloadToAsync(buffer, cancellationToken);
            buffer.Position = 0;
            var rows = await ParquetSerializer.DeserializeAsync<ReadingRow>(buffer, cancellationToken: cancellationToken);
            return [.. rows.Data.Where(r => r.Kind == job.Kind)];
        }
        catch (RequestFailedException exception) when (exception.Status == 404)
        {
            throw new ReadingsUnavailableException($"Job {job.JobId}: readings blob {ScoringStorage.AnalyticsContainer}/{job.ReadingsBlob} does not exist.");
        }
    }

    private sealed class JobCounters
    {
        public int Retried { get; set; }

        public int Hedged { get; set; }

        public int Verified { get; set; }

        public int Mismatches { get; set; }

        public HashSet<string> Quarantined { get; } = new(StringComparer.Ordinal);

        public void Add(DispatchResult result)
        {
            Retried += result.Retries;
            Hedged += result.Hedges;
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Job {JobId} was scored before; skipped")]
    private partial void LogSkipped(string jobId);

    [LoggerMessage(Level = LogLevel.Information, Message = "Scored job {JobId}: {Rows} rows, {Verified} calls verified, {Mismatches} mismatches")]
    private partial void LogScored(string jobId, long rows, int verified, int mismatches);

    [LoggerMessage(Level = LogLevel.Error, Message = "Scoring message moved to the poison queue: {Error}")]
    private partial void LogPoisoned(string error);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Host {Host} quarantined: its answer to {RequestId} disagrees with the CPU reference; evidence {Evidence}")]
    private partial void LogQuarantined(string host, string requestId, string evidence);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Job {JobId}: no second host and no CPU reference model {Model} under {Folder}; not verified")]
    private partial void LogUnverifiable(string jobId, string model, string folder);
}

/// <summary>The job's readings blob is gone: the job can never be scored.</summary>
public sealed class ReadingsUnavailableException(string message) : Exception(message);
