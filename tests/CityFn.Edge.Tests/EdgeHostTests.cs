using System.Net;
using System.Text.Json;
using CityFn.LocalDev;
using Microsoft.AspNetCore.Builder;

namespace CityFn.Edge.Tests;

/// <summary>The edge host really started on a loopback port, called over HTTP.</summary>
public sealed class EdgeHostTests : IAsyncLifetime
{
    private readonly int _port = FreePorts.Pick(1)[0];
    private WebApplication? _app;

    private Uri BaseUri => new($"http://127.0.0.1:{_port}");

    public async Task InitializeAsync()
    {
        _app = EdgeHost.Build(["--urls", BaseUri.ToString(), "--Logging:LogLevel:Default=Warning"]);
        await _app.StartAsync();
    }

    public async Task DisposeAsync()
    {
        if (_app is not null)
        {
            await _app.StopAsync();
            await _app.DisposeAsync();
        }
    }

    [Theory]
    [InlineData("/v2/health/live", "live")]
    [InlineData("/v2/health/ready", "ready")]
    public async Task Open_inference_health_endpoints_answer_200_with_their_flag(string path, string flag)
    {
        using var http = new HttpClient { BaseAddress = BaseUri };

        using var response = await http.GetAsync(new Uri(path, UriKind.Relative));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.True(body.RootElement.GetProperty(flag).GetBoolean());
    }

    [Fact]
    public async Task An_unknown_path_answers_404()
    {
        using var http = new HttpClient { BaseAddress = BaseUri };

        using var response = await http.GetAsync(new Uri("/v2/nothing-here", UriKind.Relative));

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }
}
