using CityFn.LocalDev;
using Xunit;

namespace CityFn.TestSupport;

/// <summary>A real Azurite on free loopback ports for one test collection; stopped (by PID) afterwards.</summary>
public sealed class AzuriteFixture : IAsyncLifetime
{
    private AzuriteServer? _server;

    public AzuriteServer Server => _server ?? throw new InvalidOperationException("Azurite has not started.");

    public string ConnectionString => Server.Endpoints.ConnectionString;

    public async Task InitializeAsync() => _server = await AzuriteServer.StartAsync();

    public async Task DisposeAsync()
    {
        if (_server is not null)
        {
            await _server.DisposeAsync();
        }
    }
}
