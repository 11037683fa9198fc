using System.Net;

namespace CityFn.Edge.Tests.Batching;

/// <summary>Stopping the host lets queued and in-flight requests finish before it exits.</summary>
public sealed class GracefulShutdownTests
{
    [Fact]
    public async Task Stopping_the_host_drains_the_requests_already_queued()
    {
        var server = await EdgeServer.StartAsync(tinyQueueDelayMs: 400);
        try
        {
            using var http = server.CreateClient();
            var features = OipClient.Rows(1, seed: 21);
            var queued = http.PostAsync(new Uri($"/v2/models/{EdgeServer.TinyQueue}/infer", UriKind.Relative), OipClient.BinaryContent(features));
            await WaitForQueueAsync(server);

            await server.App.StopAsync();

            using var response = await queued;
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            OipClient.AssertScoresMatchReference(features, (await OipClient.ReadAsync(response)).Scores);
        }
        finally
        {
            await server.DisposeAsync();
        }
    }

    private static async Task WaitForQueueAsync(EdgeServer server)
    {
        var batching = (CityFn.Edge.Batching.BatchingService)server.App.Services.GetService(typeof(CityFn.Edge.Batching.BatchingService))!;
        var models = (CityFn.Edge.Models.ModelRepository)server.App.Services.GetService(typeof(CityFn.Edge.Models.ModelRepository))!;
        var batcher = batching.For(models.Find(EdgeServer.TinyQueue, null)!);
        var deadline = DateTime.UtcNow.AddSeconds(5);
        while (batcher.Waiting == 0)
        {
            Assert.True(DateTime.UtcNow < deadline, "The request never reached the queue.");
            await Task.Delay(5);
        }
    }
}
