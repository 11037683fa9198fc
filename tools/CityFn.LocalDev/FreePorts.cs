using System.Net;
using System.Net.Sockets;

namespace CityFn.LocalDev;

/// <summary>Picks loopback TCP ports that are free right now.</summary>
public static class FreePorts
{
    /// <summary>
    /// Returns <paramref name="count"/> distinct free ports. All listeners stay open until every port
    /// is chosen, so the operating system cannot hand out the same port twice.
    /// </summary>
    public static int[] Pick(int count)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(count);
        var listeners = new List<TcpListener>(count);
        try
        {
            for (var i = 0; i < count; i++)
            {
                var listener = new TcpListener(IPAddress.Loopback, 0);
                listener.Start();
                listeners.Add(listener);
            }

            return [.. listeners.Select(l => ((IPEndPoint)l.LocalEndpoint).Port)];
        }
        finally
        {
            foreach (var listener in listeners)
            {
                listener.Stop();
            }
        }
    }

    /// <summary>True when something already listens on the loopback port.</summary>
    public static bool IsInUse(int port)
    {
        try
        {
            using var listener = new TcpListener(IPAddress.Loopback, port);
            listener.Start();
            listener.Stop();
            return false;
        }
        catch (SocketException)
        {
            return true;
        }
    }
}
