using CityFn.LocalDev;

namespace CityFn.TestSupport;

/// <summary>Endpoints where nothing listens, for testing how code reports an unreachable dependency.</summary>
public static class ClosedPort
{
    /// <summary>A loopback port that was free a moment ago; nothing of ours will listen on it.</summary>
    public static int Pick() => FreePorts.Pick(1)[0];

    public static AzuriteEndpoints AzuriteEndpoints()
    {
        var ports = FreePorts.Pick(3);
        return new AzuriteEndpoints(ports[0], ports[1], ports[2]);
    }
}
