using System.Collections.Concurrent;
using System.Net;
using System.Text;
using System.Text.Json;
using Azure.Storage.Blobs;
using CityFn.LocalDev;
using CityFn.TestSupport;

namespace CityFn.Cli.Tests.Simulate;

/// <summary>--notify against a real HTTP listener on a loopback port, with the files uploaded into a real Azurite.</summary>
[Collection(LocalDependenciesCollection.Name)]
public sealed class SimulateNotifyTests(AzuriteFixture azurite) : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("cityfn-sim-notify-").FullName;

    [Fact]
    public async Task Each_written_file_is_uploaded_and_announced_with_an_Event_Grid_BlobCreated_notification()
    {
        using var host = new NotificationListener(HttpStatusCode.Accepted);
        var url = host.Prefix + "runtime/webhooks/blobs?functionName=Host.Functions.IngestCapture";

        var (exitCode, output) = await CliRun.InvokeAsync(
            "simulate", "--out", _directory, "--seed", "77", "--devices", "6", "--minutes", "3", "--partitions", "1", "--namespace", "notify",
            "--notify", url, "--storage", azurite.ConnectionString, "--json");

        Assert.True(exitCode == 0, output);
        using var summary = JsonDocument.Parse(output);
        var files = Directory.EnumerateFiles(Path.Combine(_directory, "capture"), "*.avro", SearchOption.AllDirectories).ToList();
        Assert.Equal(files.Count, summary.RootElement.GetProperty("notified").GetInt32());
        Assert.Equal(files.Count, host.Requests.Count);
        var container = new BlobServiceClient(azurite.ConnectionString).GetBlobContainerClient("capture");
        foreach (var request in host.Requests)
        {
            Assert.Equal("/runtime/webhooks/blobs?functionName=Host.Functions.IngestCapture", request.PathAndQuery);
            Assert.Equal("Notification", request.EventTypeHeader);
            using var body = JsonDocument.Parse(request.Body);
            var created = Assert.Single(body.RootElement.EnumerateArray());
            Assert.Equal("Microsoft.Storage.BlobCreated", created.GetProperty("eventType").GetString());
            var subject = created.GetProperty("subject").GetString()!;
            Assert.StartsWith("/blobServices/default/containers/capture/blobs/notify/", subject, StringComparison.Ordinal);
            var blobName = subject["/blobServices/default/containers/capture/blobs/".Length..];
            var blob = container.GetBlobClient(blobName);
            Assert.Equal(blob.Uri.ToString(), created.GetProperty("data").GetProperty("url").GetString());
            var uploaded = (await blob.DownloadContentAsync()).Value.Content.ToArray();
            var local = File.ReadAllBytes(Path.Combine(_directory, "capture", blobName.Replace('/', Path.DirectorySeparatorChar)));
            Assert.Equal(local, uploaded);
            Assert.Equal(local.Length, created.GetProperty("data").GetProperty("contentLength").GetInt64());
        }
    }

    [Fact]
    public async Task A_host_that_refuses_the_notification_stops_the_run_with_its_answer()
    {
        using var host = new NotificationListener(HttpStatusCode.InternalServerError);

        var (exitCode, output) = await CliRun.InvokeAsync(
            "simulate", "--out", _directory, "--devices", "2", "--minutes", "2", "--notify", host.Prefix, "--storage", azurite.ConnectionString);

        Assert.Equal(1, exitCode);
        Assert.Contains("answered 500", output, StringComparison.Ordinal);
        Assert.Single(host.Requests);
    }

    [Fact]
    public async Task An_unreachable_host_is_a_user_error_with_a_remedy()
    {
        var (exitCode, output) = await CliRun.InvokeAsync(
            "simulate", "--out", _directory, "--devices", "2", "--minutes", "1", "--notify", $"http://127.0.0.1:{ClosedPort.Pick()}/", "--storage", azurite.ConnectionString);

        Assert.Equal(2, exitCode);
        Assert.Contains("not reachable", output, StringComparison.Ordinal);
        Assert.Contains("func start", output, StringComparison.Ordinal);
    }

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    /// <summary>A real HTTP server on a free loopback port that records each request and answers with a fixed status.</summary>
    private sealed class NotificationListener : IDisposable
    {
        private readonly HttpListener _listener = new();
        private readonly Task _loop;

        public NotificationListener(HttpStatusCode status)
        {
            Prefix = $"http://127.0.0.1:{FreePorts.Pick(1)[0]}/";
            _listener.Prefixes.Add(Prefix);
            _listener.Start();
            _loop = Task.Run(async () =>
            {
                while (_listener.IsListening)
                {
                    HttpListenerContext context;
                    try
                    {
                        context = await _listener.GetContextAsync();
                    }
                    catch (Exception exception) when (exception is HttpListenerException or ObjectDisposedException or InvalidOperationException)
                    {
                        return;
                    }

                    using var reader = new StreamReader(context.Request.InputStream, Encoding.UTF8);
                    Requests.Enqueue(new Received(context.Request.Url!.PathAndQuery, context.Request.Headers["aeg-event-type"], await reader.ReadToEndAsync()));
                    context.Response.StatusCode = (int)status;
                    context.Response.Close();
                }
            });
        }

        public string Prefix { get; }

        public ConcurrentQueue<Received> Requests { get; } = new();

        public void Dispose()
        {
            _listener.Stop();
            _listener.Close();
            _loop.Wait(TimeSpan.FromSeconds(5));
        }
    }

    private sealed record Received(string PathAndQuery, string? EventTypeHeader, string Body);
}
