using System.Text.Json;
using Azure.Data.Tables;
using CityFn.Core.Ingest;
using CityFn.Core.Rewards.Ledger;
using CityFn.Core.Scoring;
using CityFn.Core.Scoring.Hosts;
using CityFn.Core.Scoring.Outputs;
using CityFn.Core.Scoring.Verification;
using CityFn.TestSupport;
using Parquet.Serialization;

namespace CityFn.Scoring.Tests;

/// <summary>
/// The fan-out against four real edge hosts on loopback: an honest one, one that lies (validly signed, wrong
/// scores), a slow one, and one stopped in the middle of the run. Every job is spot-checked here.
/// </summary>
[Collection(AzuriteCollection.Name)]
public sealed class ScoreFanOutTests(AzuriteFixture azurite)
{
    private const int Jobs = 16;

    [Fact]
    public async Task Every_job_is_scored_once_with_honest_scores_the_liar_is_quarantined_the_slow_host_hedged_and_the_stopped_hosts_calls_retried()
    {
        await using var bed = new ScoringTestBed(azurite.ConnectionString, new Dictionary<string, string?>
        {
            ["Scoring:VerificationFraction"] = "1",
            ["Scoring:InitialHedgeDelay"] = "00:00:00.150",
            ["Scoring:CallTimeout"] = "00:00:05",
        });
        await bed.ClearQueuesAsync();
        await using var honest = await ScoringEdgeHost.StartAsync(bed.Models);
        await using var liar = await ScoringEdgeHost.StartAsync(bed.Models, ScoringEdgeHost.Wrong);
        await using var slow = await ScoringEdgeHost.StartAsync(bed.Models, batchDelayMs: 600);
        await using var stopping = await ScoringEdgeHost.StartAsync(bed.Models);
        foreach (var host in new[] { honest, liar, slow, stopping })
        {
            await host.RegisterAsync(bed.Registry, bed.Models);
        }

        var start = new DateTimeOffset(2026, 11, 25, 8, 0, 0, TimeSpan.Zero);
        var jobs = new List<ScoreJob>();
        for (var i = 0; i < Jobs; i++)
        {
            jobs.Add(await bed.WriteTrafficJobAsync(i, start.AddMinutes(3 * i)));
        }

        // Two waves, so that the fourth host stops at a known point whatever the machine's load: it answers calls in
        // the first (a host never measured is tried before latency decides), then stops; in the second the pool still
        // rates it fast, so calls go to it, fail, and are retried on another host.
        var statistics = bed.Get<HostStatistics>();
        async Task<ScoreSummary> DrainWaveAsync(IEnumerable<ScoreJob> wave)
        {
            foreach (var job in wave)
            {
                await bed.EnqueueAsync(job);
            }

            return await bed.Drainer.DrainAsync(parallelism: 4);
        }

        var first = await DrainWaveAsync(jobs.Take(4));
        Assert.True(statistics.Snapshot(stopping.Address).Samples >= 1, "the fourth host answered no call in the first wave");
        await stopping.StopAsync();
        var second = await DrainWaveAsync(jobs.Skip(4));
        var summary = first with
        {
            Jobs = first.Jobs + second.Jobs,
            Scored = first.Scored + second.Scored,
            Retried = first.Retried + second.Retried,
            Hedged = first.Hedged + second.Hedged,
            Verified = first.Verified + second.Verified,
            Poisoned = first.Poisoned + second.Poisoned,
            Deferred = first.Deferred + second.Deferred,
            Quarantined = [.. first.Quarantined.Union(second.Quarantined)],
        };

        Assert.Equal(Jobs, summary.Jobs);
        Assert.Equal(Jobs, summary.Scored);
        Assert.Equal(0, summary.Poisoned);
        Assert.Equal(0, summary.Deferred);
        Assert.Equal(2 * Jobs, summary.Verified);

        // Exactly once, and the honest model's scores (never the liar's) in the outputs.
        foreach (var job in jobs)
        {
            var forecasts = await ReadParquetAsync<ForecastRow>(bed, ScoringStorage.ForecastsBlobName(job.JobId, Hour(job)));
            var quality = await ReadParquetAsync<QualityRow>(bed, ScoringStorage.QualityBlobName(job.JobId, Hour(job)));
            await AssertHonestAsync(bed, job, bed.ForecastModel, forecasts.Select(f => (f.Segment, f.SpeedKmh, f.Host)).ToList(), liar.Address);
            await AssertHonestAsync(bed, job, bed.QualityModel, quality.Select(q => (q.Device, q.FaultProbability, q.Host)).ToList(), liar.Address);
            Assert.All(forecasts, f => Assert.True(f.Verified));
        }

        // The liar: quarantined, with evidence whose signatures verify and that blames it alone.
        Assert.Equal([liar.Address], summary.Quarantined);
        var quarantine = Assert.Single(await bed.Get<QuarantineStore>().ListAsync(), q => q.Host == liar.Address);
        var evidenceBlob = quarantine.Evidence[(ScoringStorage.EvidenceContainer.Length + 1)..];
        var content = await bed.Blobs.GetBlobContainerClient(ScoringStorage.EvidenceContainer).GetBlobClient(evidenceBlob).DownloadContentAsync();
        var evidence = JsonSerializer.Deserialize(content.Value.Content.ToString(), ScoringJsonContext.Default.MismatchEvidence)!;
        Assert.All(evidence.Verify(), v => Assert.True(v.Value, $"the evidence of {v.Key} does not verify"));
        Assert.Contains(evidence.Responses, r => r.Host == liar.Address && !r.AgreesWithReference);
        Assert.Equal([liar.Address], evidence.Quarantined);
        var liarRecord = await bed.Get<VerificationLog>().ReadAsync(liar.Address);
        Assert.True(liarRecord.Failed >= 1);

        // The slow host was hedged around; the stopped host's calls were retried elsewhere.
        Assert.True(summary.Hedged >= 1, "no call was hedged");
        Assert.True(statistics.Snapshot(slow.Address).HedgedAway >= 1, "no call to the slow host was hedged");
        Assert.True(summary.Retried >= 1, $"no call was retried on another host: {summary}");
        Assert.True(statistics.Snapshot(stopping.Address).Failures >= 1, "no call reached the stopped host");

        // Ledger: compute rows for the rows each host's answer was used for, none for the liar; the quarantine.
        var epoch = new Core.Rewards.EpochClock(TimeSpan.FromHours(1)).EpochOf(start);
        var (computeRows, computeByHost) = await ReadComputeAsync(bed, epoch, jobs);
        var totalRows = await TotalScoredRowsAsync(bed, jobs);
        Assert.Equal(totalRows, computeRows);
        Assert.DoesNotContain(liar.Address, computeByHost.Keys);
        var ledgerQuarantine = await bed.Tables.GetTableClient(LedgerKeys.TableName).GetEntityAsync<TableEntity>(LedgerKeys.Partition(epoch), $"quarantine|{liar.Address}");
        Assert.Equal(quarantine.Evidence, ledgerQuarantine.Value.GetString("Evidence"));

        // Redelivery: every message again. Nothing is scored twice, nothing changes.
        foreach (var job in jobs)
        {
            await bed.EnqueueAsync(job);
        }

        var again = await bed.Drainer.DrainAsync(parallelism: 4);
        Assert.Equal(Jobs, again.Skipped);
        Assert.Equal(0, again.Scored);
        Assert.Equal(computeRows, (await ReadComputeAsync(bed, epoch, jobs)).Rows);

        // A job that crashed after writing (its done mark lost) and comes again: rescored, still no duplicates.
        var crashed = jobs[3];
        var key = ScoringStorage.JobKey(crashed.JobId);
        var jobsTable = bed.Tables.GetTableClient(ScoringStorage.JobsTable);
        var state = (await jobsTable.GetEntityAsync<TableEntity>(key[..2], key)).Value;
        state["Done"] = false;
        await jobsTable.UpdateEntityAsync(state, state.ETag);
        await bed.EnqueueAsync(crashed);
        var rerun = await bed.Drainer.DrainAsync(parallelism: 4);
        Assert.Equal(1, rerun.Scored);
        Assert.Equal(computeRows, (await ReadComputeAsync(bed, epoch, jobs)).Rows);
        var rescored = await ReadParquetAsync<ForecastRow>(bed, ScoringStorage.ForecastsBlobName(crashed.JobId, Hour(crashed)));
        Assert.Equal(rescored.Select(r => r.Segment).Distinct().Count(), rescored.Count);
    }

    private static DateTimeOffset Hour(ScoreJob job) => new(job.WindowStart.UtcDateTime.Date.AddHours(job.WindowStart.UtcDateTime.Hour), TimeSpan.Zero);

    private static async Task<List<T>> ReadParquetAsync<T>(ScoringTestBed bed, string blob)
        where T : class, new()
    {
        var content = await bed.Blobs.GetBlobContainerClient(ScoringStorage.AnalyticsContainer).GetBlobClient(blob).DownloadContentAsync();
        return [.. (await ParquetSerializer.DeserializeAsync<T>(content.Value.Content.ToStream())).Data];
    }

    /// <summary>One row per entity, each the honest tiny MLP's score of the job's features, never from the liar.</summary>
    private static async Task AssertHonestAsync(ScoringTestBed bed, ScoreJob job, string model, List<(string Entity, double Score, string Host)> rows, string liar)
    {
        var readings = await ReadParquetAsync<ReadingRow>(bed, job.ReadingsBlob);
        var matrix = await bed.Model(model).FeaturizeAsync(job, readings);
        var expected = ScoringEdgeHost.Honest.Evaluate(matrix.Values);
        Assert.Equal(matrix.Rows.Select(r => r.Entity), rows.Select(r => r.Entity));
        for (var i = 0; i < expected.Length; i++)
        {
            Assert.InRange(rows[i].Score, expected[i] - 1e-5, expected[i] + 1e-5);
            Assert.NotEqual(liar, rows[i].Host);
        }
    }

    private static async Task<long> TotalScoredRowsAsync(ScoringTestBed bed, List<ScoreJob> jobs)
    {
        long total = 0;
        foreach (var job in jobs)
        {
            total += (await ReadParquetAsync<ForecastRow>(bed, ScoringStorage.ForecastsBlobName(job.JobId, Hour(job)))).Count(r => r.Host != ScoreStage.ReferenceHost);
            total += (await ReadParquetAsync<QualityRow>(bed, ScoringStorage.QualityBlobName(job.JobId, Hour(job)))).Count(r => r.Host != ScoreStage.ReferenceHost);
        }

        return total;
    }

    private static async Task<(long Rows, Dictionary<string, long> ByHost)> ReadComputeAsync(ScoringTestBed bed, long epoch, List<ScoreJob> jobs)
    {
        var sources = jobs.Select(j => j.JobId).ToHashSet(StringComparer.Ordinal);
        var byHost = new Dictionary<string, long>(StringComparer.Ordinal);
        var table = bed.Tables.GetTableClient(LedgerKeys.TableName);
        await foreach (var row in table.QueryAsync<TableEntity>(e => e.PartitionKey == LedgerKeys.Partition(epoch)))
        {
            if (row.RowKey.StartsWith("compute|", StringComparison.Ordinal) && sources.Contains(row.GetString("Source") ?? ""))
            {
                var host = row.RowKey.Split('|')[1];
                byHost[host] = byHost.GetValueOrDefault(host) + (row.GetInt64("VerifiedRows") ?? 0);
            }
        }

        return (byHost.Values.Sum(), byHost);
    }
}
