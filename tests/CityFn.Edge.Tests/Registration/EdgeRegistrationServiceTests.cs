using CityFn.Core.EdgeHosts;
using CityFn.Core.Storage;
using CityFn.TestSupport;

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
        Assert.Equal(new[] { EdgeServer.Mlp, EdgeServer.Coalescing, EdgeServer.TinyQueue }.Order(StringComparer.Ordinal), host.Models);
        Assert.Equal("active", host.Status);
        Assert.Equal(256 + 256 + 2, host.Capacity);
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
