using System.Globalization;
using System.Net;
using System.Text.RegularExpressions;

namespace CityFn.Edge.Tests.Batching;

[Collection(EdgeServerCollection.Name)]
public sealed partial class DynamicBatchingTests(EdgeServerFixture fixture)
{
    [Fact]
    public async Task Concurrent_callers_share_model_runs_and_each_gets_exactly_its_rows()
    {
        using var http = fixture.Server.CreateClient();
        const int Callers = 24;
        var before = await ScrapeAsync(http);

        // Callers send different row counts and different data, JSON and binary mixed.
        var calls = Enumerable.Range(0, Callers).Select(async caller =>
        {
            var features = OipClient.Rows(1 + (caller % 7), seed: 100 + caller);
            using var content = caller % 2 == 0 ? OipClient.BinaryContent(features) : OipClient.JsonContent(OipClient.JsonRequest(features));
            using var response = await http.PostAsync(new Uri($"/v2/models/{EdgeServer.Coalescing}/infer", UriKind.Relative), content);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            return (features, (await OipClient.ReadAsync(response)).Scores);
        });
        var results = await Task.WhenAll(calls);

        foreach (var (features, scores) in results)
        {
            OipClient.AssertScoresMatchReference(features, scores);
        }

        var after = await ScrapeAsync(http);
        var requests = after.Requests - before.Requests;
        var runs = after.Runs - before.Runs;
        Assert.Equal(Callers, requests);
        Assert.Equal(results.Sum(r => r.Scores.Length), after.Rows - before.Rows);
        Assert.True(runs < Callers / 2, $"{Callers} concurrent requests ran in {runs} model runs; dynamic batching should have coalesced them.");
    }

    [Fact]
    public async Task A_lone_request_is_not_held_for_the_batching_window_when_nothing_else_is_on_its_way()
    {
        using var http = fixture.Server.CreateClient();
        var features = OipClient.Rows(3, seed: 7);

        // The model's window is 1 s; the request would take at least that long if the batcher held it.
        var clock = System.Diagnostics.Stopwatch.StartNew();
        using var response = await http.PostAsync(new Uri($"/v2/models/{EdgeServer.LongWindow}/infer", UriKind.Relative), OipClient.BinaryContent(features));
        var elapsed = clock.Elapsed;

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        OipClient.AssertScoresMatchReference(features, (await OipClient.ReadAsync(response)).Scores);
        Assert.True(elapsed < TimeSpan.FromMilliseconds(900), $"a lone request took {elapsed.TotalMilliseconds:F0} ms: it waited for the 1 s batching window");
    }

    [Fact]
    public async Task A_full_queue_answers_429_and_the_queued_requests_still_succeed()
    {
        using var http = fixture.Server.CreateClient();
        var uri = new Uri($"/v2/models/{EdgeServer.TinyQueue}/infer", UriKind.Relative);

        // The model queues at most 2 requests and waits 1 s for more rows: the third caller finds it full.
        var first = http.PostAsync(uri, OipClient.BinaryContent(OipClient.Rows(1, 1)));
        var second = http.PostAsync(uri, OipClient.BinaryContent(OipClient.Rows(1, 2)));
        await WaitUntilQueuedAsync(http, 2);
        using var third = await http.PostAsync(uri, OipClient.BinaryContent(OipClient.Rows(1, 3)));

        Assert.Equal(HttpStatusCode.TooManyRequests, third.StatusCode);
        Assert.Contains("queue is full", await third.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        using var firstResponse = await first;
        using var secondResponse = await second;
        Assert.Equal(HttpStatusCode.OK, firstResponse.StatusCode);
        Assert.Equal(HttpStatusCode.OK, secondResponse.StatusCode);
    }

    /// <summary>Polls the queue-depth gauge until <paramref name="count"/> requests wait (no fixed sleeps).</summary>
    private static async Task WaitUntilQueuedAsync(HttpClient http, int count)
    {
        var deadline = DateTime.UtcNow.AddSeconds(5);
        while (DateTime.UtcNow < deadline)
        {
            var text = await http.GetStringAsync(new Uri("/metrics", UriKind.Relative));
            var match = QueuedPattern().Match(text);
            if (match.Success && double.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture) >= count)
            {
                return;
            }

            await Task.Delay(10);
        }

        throw new TimeoutException($"The host did not queue {count} requests within 5 s.");
    }

    private static async Task<(double Requests, double Runs, double Rows)> ScrapeAsync(HttpClient http)
    {
        var text = await http.GetStringAsync(new Uri("/metrics", UriKind.Relative));
        return (Sum(text, RequestsPattern()), Sum(text, RunsPattern()), Sum(text, RowsPattern()));
    }

    private static double Sum(string text, Regex pattern) =>
        pattern.Matches(text).Sum(m => double.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture));

    [GeneratedRegex("""^cityfn_edge_requests_total\{[^}]*model="mlp_coalescing"[^}]*outcome="ok"[^}]*\} (\S+)""", RegexOptions.Multiline)]
    private static partial Regex RequestsPattern();

    [GeneratedRegex("""^cityfn_edge_batch_requests_count\{[^}]*model="mlp_coalescing"[^}]*\} (\S+)""", RegexOptions.Multiline)]
    private static partial Regex RunsPattern();

    [GeneratedRegex("""^cityfn_edge_rows_total\{[^}]*model="mlp_coalescing"[^}]*\} (\S+)""", RegexOptions.Multiline)]
    private static partial Regex RowsPattern();

    [GeneratedRegex("""^cityfn_edge_queue_depth\{[^}]*model="mlp_tiny_queue"[^}]*\} (\S+)""", RegexOptions.Multiline)]
    private static partial Regex QueuedPattern();
}
