using CityFn.TestSupport;

namespace CityFn.Cli.Tests;

[Collection(LocalDependenciesCollection.Name)]
public sealed class HealthCommandTests(AzuriteFixture azurite, LocalChainFixture chain)
{
    [Fact]
    public async Task Reports_storage_and_chain_reachable_and_exits_0()
    {
        var (exitCode, output) = await CliRun.InvokeAsync(
            "health", "--storage", azurite.ConnectionString, "--rpc", chain.Chain.Endpoint.RpcUrl);

        Assert.Equal(0, exitCode);
        Assert.Contains("storage blob", output, StringComparison.Ordinal);
        Assert.Contains("chain id 31337", output, StringComparison.Ordinal);
        Assert.DoesNotContain("unreachable", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Without_running_dependencies_says_how_to_start_them_instead_of_a_stack_trace()
    {
        var closed = ClosedPort.AzuriteEndpoints();

        var (exitCode, output) = await CliRun.InvokeAsync(
            "health", "--storage", closed.ConnectionString, "--rpc", $"http://127.0.0.1:{ClosedPort.Pick()}");

        Assert.Equal(2, exitCode);
        Assert.Contains("unreachable", output, StringComparison.Ordinal);
        Assert.Contains("cityfn dev up", output, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", output, StringComparison.Ordinal);
    }
}
