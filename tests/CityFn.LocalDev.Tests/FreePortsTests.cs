using System.Net;
using System.Net.Sockets;

namespace CityFn.LocalDev.Tests;

public sealed class FreePortsTests
{
    [Fact]
    public void Picks_distinct_ports_that_are_free()
    {
        var ports = FreePorts.Pick(8);

        Assert.Equal(8, ports.Distinct().Count());
        Assert.All(ports, port => Assert.False(FreePorts.IsInUse(port)));
    }

    [Fact]
    public void A_port_with_a_listener_is_reported_in_use()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();

        Assert.True(FreePorts.IsInUse(((IPEndPoint)listener.LocalEndpoint).Port));
    }
}
