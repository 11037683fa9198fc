using CityFn.LocalDev;
using Xunit;

namespace CityFn.TestSupport;

/// <summary>A real Hardhat node on a free loopback port for one test collection; stopped (by PID) afterwards.</summary>
public sealed class LocalChainFixture : IAsyncLifetime
{
    private LocalChain? _chain;

    public LocalChain Chain => _chain ?? throw new InvalidOperationException("The Hardhat node has not started.");

    public async Task InitializeAsync() => _chain = await LocalChain.StartAsync();

    public async Task DisposeAsync()
    {
        if (_chain is not null)
        {
            await _chain.DisposeAsync();
        }
    }
}
