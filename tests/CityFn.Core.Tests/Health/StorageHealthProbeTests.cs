using CityFn.Core.Health;
using CityFn.Core.Storage;
using CityFn.TestSupport;

namespace CityFn.Core.Tests.Health;

[Collection(AzuriteCollection.Name)]
public sealed class StorageHealthProbeTests(AzuriteFixture azurite)
{
    [Fact]
    public async Task Reports_every_storage_service_reachable_when_azurite_runs()
    {
        var probe = ProbeFor(azurite.ConnectionString);

        var report = await probe.CheckAsync();

        Assert.True(report.Healthy);
        Assert.Equal(["blob", "queue", "table"], report.Storage.Select(s => s.Service));
        Assert.All(report.Storage, s => Assert.True(s.Reachable, s.Error));
        Assert.All(report.Storage, s => Assert.Null(s.Error));
        Assert.False(string.IsNullOrWhiteSpace(report.Version));
    }

    [Fact]
    public async Task Reports_unhealthy_with_a_reason_per_service_when_nothing_listens()
    {
        var probe = ProbeFor(ClosedPort.AzuriteEndpoints().ConnectionString);

        var report = await probe.CheckAsync();

        Assert.False(report.Healthy);
        Assert.All(report.Storage, s => Assert.False(s.Reachable));
        Assert.All(report.Storage, s => Assert.False(string.IsNullOrWhiteSpace(s.Error)));
    }

    [Fact]
    public async Task Reports_a_wrong_account_key_as_unreachable_with_the_status_code()
    {
        var wrongKey = azurite.ConnectionString.Replace(
            "AccountKey=Eby8", "AccountKey=AAAA", StringComparison.Ordinal);
        var probe = ProbeFor(wrongKey);

        var report = await probe.CheckAsync();

        Assert.False(report.Healthy);
        Assert.Contains(report.Storage, s => s.Error is not null && s.Error.StartsWith("403", StringComparison.Ordinal));
    }

    private static StorageHealthProbe ProbeFor(string connectionString) =>
        StorageHealthProbe.Create(StorageConnection.FromConnectionString(connectionString), TimeProvider.System);
}
