using CityFn.Cli.Dashboard;
using CityFn.TestSupport;

namespace CityFn.Dashboard.Tests;

/// <summary>Azurite and Hardhat on free loopback ports, the <see cref="SeededCity"/> written once, and a <see cref="DashboardServer"/> over it.</summary>
public sealed class SeededCityFixture : IAsyncLifetime
{
    private readonly AzuriteFixture _azurite = new();
    private readonly LocalChainFixture _chain = new();
    private SeededCity? _city;
    private DashboardServer? _server;

    internal SeededCity City => _city ?? throw new InvalidOperationException("The city is not seeded.");

    public DashboardServer Server => _server ?? throw new InvalidOperationException("The dashboard server has not started.");

    public async Task InitializeAsync()
    {
        try
        {
            await Task.WhenAll(_azurite.InitializeAsync(), _chain.InitializeAsync());
            _city = await SeededCity.CreateAsync(_azurite, _chain);
            _server = await DashboardServer.StartAsync(_city.Settings);
        }
        catch
        {
            // Stop whatever did start: a failed fixture must not leave Azurite or Hardhat running.
            await DisposeAsync();
            throw;
        }
    }

    public async Task DisposeAsync()
    {
        if (_server is not null)
        {
            await _server.DisposeAsync();
        }

        await _chain.DisposeAsync();
        await _azurite.DisposeAsync();
    }
}
