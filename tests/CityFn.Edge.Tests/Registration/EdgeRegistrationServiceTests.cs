using System.Text.Json;
using CityFn.Core.EdgeHosts;
using CityFn.Core.Storage;
using CityFn.TestSupport;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;

namespace CityFn.Edge.Tests.Registration;

/// <summary>--register without --registry-url: the host registers through the registry stage straight into storage.</summary>
[Collection(AzuriteCollection.Name)]
public sealed class EdgeRegistrationServiceTests(AzuriteFixture azurite)
{
    [Fact]
    public async Task A_host_started_with_register_appears_in_the_registry_with_its_address_url_and_models()
    {
        await using var server = await EdgeServer.StartAsync(["--register", "--storage", azurite.ConnectionString]);
        var registry = EdgeHostRegistry.Create(StorageConnection.FromConnectionString(azurite.ConnectionString), TimeProvider.System);

        var host = await WaitForHostAsync(registry, server.Key.Address);

        Assert.Equal(server.BaseUri.ToString().TrimEnd('/'), host.Url);
        Assert.Equal(new[] { EdgeServer.Mlp, EdgeServer.Coalescing, EdgeServer.TinyQueue, EdgeServer.LongWindow }.Order(StringComparer.Ordinal), host.Models);
        Assert.Equal("active", host.Status);
        Assert.Equal(256 + 256 + 2 + 256, host.Capacity);
    }

    [Fact]
    public async Task With_a_registry_url_the_host_posts_a_signed_registration_the_registry_stage_accepts()
    {
        // The Functions host cannot run here, so the registry stage is served behind the same route by a
        // bare web app; EdgeHostsFunction's own tests cover the function's binding of this body.
        var registry = EdgeHostRegistry.Create(StorageConnection.FromConnectionString(azurite.ConnectionString), TimeProvider.System);
        var port = CityFn.LocalDev.FreePorts.Pick(1)[0];
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls($"http://127.0.0.1:{port}");
        await using var functions = builder.Build();
        functions.MapPost("/api/edge-hosts", async (HttpContext context) =>
        {
            var signed = await JsonSerializer.DeserializeAsync(context.Request.Body, EdgeHostsJsonContext.Default.SignedEdgeHostRegistration);
            var result = await registry.RegisterAsync(signed!);
            context.Response.StatusCode = result.Accepted ? 200 : 401;
        });
        await functions.StartAsync();
        try
        {
            await using var server = await EdgeServer.StartAsync(["--register", "--registry-url", $"http://127.0.0.1:{port}/api/edge-hosts"]);

            var host = await WaitForHostAsync(registry, server.Key.Address);

            Assert.Equal("active", host.Status);
            Assert.Equal(server.BaseUri.ToString().TrimEnd('/'), host.Url);
        }
        finally
        {
            await functions.StopAsync();
        }
    }

    private static async Task<EdgeHostRecord> WaitForHostAsync(EdgeHostRegistry registry, string address)
    {
        var deadline = DateTime.UtcNow.AddSeconds(15);
        while (true)
        {
            var host = (await registry.ListAsync()).FirstOrDefault(h => h.Address == address);
            if (host is not null)
            {
                return host;
            }

            Assert.True(DateTime.UtcNow < deadline, $"{address} did not register within 15 s.");
            await Task.Delay(50);
        }
    }
}
