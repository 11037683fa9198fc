namespace CityFn.LocalDev.Tests;

public sealed class ReadinessTests
{
    [Fact]
    public async Task Returns_as_soon_as_the_probe_succeeds()
    {
        var calls = 0;

        await Readiness.WaitAsync("thing", _ => Task.FromResult(++calls == 3), () => false, () => "", TimeSpan.FromSeconds(10));

        Assert.Equal(3, calls);
    }

    [Fact]
    public async Task Fails_at_once_with_the_process_output_when_the_process_has_exited()
    {
        var error = await Assert.ThrowsAsync<DependencyUnavailableException>(() => Readiness.WaitAsync(
            "Azurite", _ => Task.FromResult(false), () => true, () => "EADDRINUSE 127.0.0.1:10000", TimeSpan.FromMinutes(5)));

        Assert.Contains("Azurite exited before it became ready", error.Message, StringComparison.Ordinal);
        Assert.Contains("EADDRINUSE 127.0.0.1:10000", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Fails_after_the_timeout_when_the_probe_never_succeeds()
    {
        var error = await Assert.ThrowsAsync<DependencyUnavailableException>(() => Readiness.WaitAsync(
            "Hardhat node", _ => Task.FromResult(false), () => false, () => "still compiling", TimeSpan.FromMilliseconds(300)));

        Assert.Contains("did not become ready", error.Message, StringComparison.Ordinal);
        Assert.Contains("still compiling", error.Message, StringComparison.Ordinal);
    }
}
