using CityFn.Core.EdgeHosts;
using Microsoft.Extensions.Logging;

namespace CityFn.Core.Scoring.Hosts;

/// <summary>What one dispatched call cost beyond a single try: failed calls made good on another host, and hedged calls.</summary>
public sealed record DispatchResult(SignedInference Inference, int Retries, int Hedges);

/// <summary>
/// Runs one inference call on the edge hosts: the pool's best host first, with a per-call timeout; when no
/// answer came within the model's observed p95 a second, hedged call goes to the next best host and the first
/// answer wins (the other call is cancelled); a failed call (unreachable, timeout, error status, unsigned or
/// wrongly signed answer) is retried on another host, up to <see cref="ScoringOptions.MaxAttempts"/> hosts.
/// </summary>
public sealed partial class InferenceDispatcher(
    EdgeHostPool pool, OipInferenceClient client, ScoringOptions options, TimeProvider timeProvider, ILogger<InferenceDispatcher> logger)
{
    public async Task<DispatchResult> InferAsync(InferenceCall call, IReadOnlySet<string> excluded, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(call);
        ArgumentNullException.ThrowIfNull(excluded);
        var tried = new HashSet<string>(excluded, StringComparer.Ordinal);
        var hedges = 0;
        var attempt = 0;
        var errors = new List<string>();
        while (tried.Count - excluded.Count < options.MaxAttempts)
        {
            var host = await pool.PickAsync(call.Model, tried, cancellationToken);
            if (host is null)
            {
                break;
            }

            tried.Add(host.Address);

            using var race = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            var calls = new List<Task<SignedInference>> { CallAsync(host, call, ++attempt, race.Token) };
            var hedge = Task.Delay(pool.HedgeDelay(call.Model), timeProvider, race.Token);
            SignedInference? answer = null;
            while (answer is null && calls.Count > 0)
            {
                var finished = await Task.WhenAny([.. calls, hedge]);
                if (finished == hedge)
                {
                    hedge = Task.Delay(Timeout.InfiniteTimeSpan, race.Token);
                    if (tried.Count - excluded.Count < options.MaxAttempts + 1
                        && await pool.PickAsync(call.Model, tried, cancellationToken) is { } second)
                    {
                        tried.Add(second.Address);
                        hedges++;
                        pool.Statistics.HedgedAway(host.Address);
                        LogHedged(call.RequestId, host.Address, second.Address);
                        calls.Add(CallAsync(second, call, ++attempt, race.Token));
                    }

                    continue;
                }

                var done = (Task<SignedInference>)finished;
                calls.Remove(done);
                try
                {
                    answer = await done;
                }
                catch (EdgeCallException exception)
                {
                    errors.Add(exception.Message);
                    LogCallFailed(call.RequestId, exception.Host, exception.Message);
                }
            }

            await race.CancelAsync();
            await Task.WhenAll(calls.Select(c => c.ContinueWith(_ => { }, CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default)));
            if (answer is not null)
            {
                // Each failed call (first try or hedge) was made good by another host: that is a retry.
                return new DispatchResult(answer, errors.Count, hedges);
            }
        }

        throw new NoUsableHostException(errors.Count == 0
            ? $"No edge host is usable for model {call.Model} (none active, serving it and not quarantined)."
            : $"No edge host answered model {call.Model}: {string.Join("; ", errors)}");
    }

    private async Task<SignedInference> CallAsync(EdgeHostRecord host, InferenceCall call, int attempt, CancellationToken raceToken)
    {
        var statistics = pool.Statistics;
        var started = timeProvider.GetTimestamp();
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(raceToken);
        timeout.CancelAfter(options.CallTimeout);
        statistics.Started(host.Address);
        try
        {
            var answer = await client.InferAsync(host.Address, new Uri(host.Url.TrimEnd('/') + "/"), call with { RequestId = $"{call.RequestId}#{attempt}" }, timeout.Token);
            statistics.Succeeded(host.Address, call.Model, answer.Latency);
            return answer;
        }
        catch (OperationCanceledException) when (raceToken.IsCancellationRequested)
        {
            statistics.Abandoned(host.Address, timeProvider.GetElapsedTime(started));
            throw;
        }
        catch (OperationCanceledException exception) when (timeout.IsCancellationRequested)
        {
            statistics.Failed(host.Address, options.FailureCooldown);
            throw new EdgeCallException(host.Address, $"no answer within {options.CallTimeout.TotalMilliseconds:0} ms", exception);
        }
        catch (EdgeCallException)
        {
            statistics.Failed(host.Address, options.FailureCooldown);
            throw;
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Call {RequestId} on {Host} is slower than the p95: hedged on {Second}")]
    private partial void LogHedged(string requestId, string host, string second);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Call {RequestId} failed on {Host}: {Error}")]
    private partial void LogCallFailed(string requestId, string host, string error);
}
