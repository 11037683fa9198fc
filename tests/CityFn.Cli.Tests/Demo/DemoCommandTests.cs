using System.Globalization;
using System.Net.Sockets;
using System.Numerics;
using System.Text.Json;

namespace CityFn.Cli.Tests.Demo;

/// <summary>
/// A small demo, in-process and with --json: what a user reads in the report must be true. It starts its own
/// Azurite, Hardhat node and edge hosts (not the collection's), and runs alone in the collection so the
/// machine's cores go to it.
/// </summary>
[Collection(LocalDependenciesCollection.Name)]
public sealed class DemoCommandTests
{
    [Fact]
    public async Task A_small_demo_settles_every_epoch_catches_the_lying_host_pays_the_claim_and_stops_everything()
    {
        var (exitCode, output) = await CliRun.InvokeAsync(
            "demo", "--devices", "10", "--minutes", "10", "--epoch-minutes", "5", "--seed", "11", "--verification", "1", "--json");

        Assert.True(exitCode == 0, output);
        using var document = JsonDocument.Parse(output);
        var report = document.RootElement;
        Assert.Equal(JsonValueKind.Null, report.GetProperty("failure").ValueKind);

        // Every message ingested is accepted or rejected with a reason; none is lost between simulator and ingest.
        var readings = report.GetProperty("readings");
        var rejected = readings.GetProperty("rejected").EnumerateObject().Sum(r => r.Value.GetInt64());
        Assert.Equal(readings.GetProperty("messagesSent").GetInt64(), readings.GetProperty("messages").GetInt64());
        Assert.Equal(readings.GetProperty("messages").GetInt64(), readings.GetProperty("accepted").GetInt64() + rejected);
        Assert.True(readings.GetProperty("accepted").GetInt64() > 0);

        // The host serving tampered models is quarantined with stored evidence; the honest ones are not. Every
        // job is spot-checked (--verification 1), so the liar is caught on its first job, whatever the seed.
        var hosts = report.GetProperty("hosts").EnumerateArray().ToList();
        Assert.Equal(3, hosts.Count);
        var liar = Assert.Single(hosts, h => h.GetProperty("misbehaving").GetBoolean());
        Assert.Equal("quarantined", liar.GetProperty("status").GetString());
        Assert.StartsWith("evidence/", liar.GetProperty("evidence").GetString(), StringComparison.Ordinal);
        foreach (var honest in hosts.Where(h => !h.GetProperty("misbehaving").GetBoolean()))
        {
            Assert.Equal("active", honest.GetProperty("status").GetString());
            Assert.Equal(0, honest.GetProperty("failedChecks").GetInt64());
        }

        // Two 5-minute epochs, each with a root published on-chain in a transaction.
        var epochs = report.GetProperty("epochs").EnumerateArray().ToList();
        Assert.Equal(2, epochs.Count);
        Assert.Equal(epochs[0].GetProperty("epoch").GetInt64() + 1, epochs[1].GetProperty("epoch").GetInt64());
        foreach (var epoch in epochs)
        {
            Assert.Matches("^0x[0-9a-f]{64}$", epoch.GetProperty("root").GetString());
            Assert.Equal(epoch.GetProperty("root").GetString(), epoch.GetProperty("onChainRoot").GetString());
            Assert.Matches("^0x[0-9a-f]{64}$", epoch.GetProperty("transactionHash").GetString());
            Assert.Equal("Confirmed", epoch.GetProperty("status").GetString());
        }

        Assert.NotEqual(epochs[0].GetProperty("root").GetString(), epochs[1].GetProperty("root").GetString());

        // The first claim pays the whole cumulative amount, and the balance changes by exactly that.
        var claim = report.GetProperty("claim");
        var paid = Amount(claim, "paid");
        Assert.True(paid > 0);
        Assert.Equal(Amount(claim, "cumulative"), paid);
        Assert.Equal(Amount(claim, "balanceBefore") + paid, Amount(claim, "balanceAfter"));
        Assert.Equal(epochs[1].GetProperty("epoch").GetInt64(), claim.GetProperty("epoch").GetInt64());

        // Nothing it started is left: the node processes are gone and the edge hosts' ports are closed.
        var stopped = report.GetProperty("stopped").EnumerateArray().Select(s => s.GetString()!).ToList();
        var pids = ProcessChecks.Pids(string.Join(", ", stopped));
        Assert.Equal(2, pids.Count);
        Assert.All(pids, pid => Assert.False(ProcessChecks.IsRunning(pid), $"process {pid} still runs"));
        foreach (var host in hosts)
        {
            var port = new Uri(host.GetProperty("url").GetString()!).Port;
            using var client = new TcpClient();
            await Assert.ThrowsAnyAsync<SocketException>(() => client.ConnectAsync("127.0.0.1", port));
        }
    }

    private static BigInteger Amount(JsonElement element, string name) =>
        BigInteger.Parse(element.GetProperty(name).GetString()!, CultureInfo.InvariantCulture);
}
