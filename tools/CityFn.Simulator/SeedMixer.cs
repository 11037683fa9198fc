namespace CityFn.Simulator;

/// <summary>
/// Derives independent sub-seeds from the simulation seed (SplitMix64 finaliser), so each concern (weather,
/// sensor noise of device 7, faults of device 7, ...) has its own random stream: changing the fault rate does
/// not change the clean values, and adding a device does not change another device's noise.
/// string.GetHashCode is randomised per process, so it is never used here.
/// </summary>
internal static class SeedMixer
{
    public static int Derive(int seed, int stream, int index = 0)
    {
        var z = ((ulong)(uint)seed << 32) ^ ((ulong)(uint)stream << 16) ^ (ulong)(uint)index;
        z += 0x9E3779B97F4A7C15;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EB;
        z ^= z >> 31;
        return (int)(z & 0x7FFF_FFFF);
    }
}

/// <summary>Named streams for <see cref="SeedMixer.Derive"/>; the numbers are part of the determinism contract.</summary>
internal static class SeedStreams
{
    public const int Network = 1;
    public const int Traffic = 2;
    public const int Weather = 3;
    public const int Placement = 4;
    public const int Incidents = 5;
    public const int SensorNoise = 6;
    public const int Faults = 7;
    public const int FaultValues = 8;
    public const int SiteOffset = 9;
}

internal static class RandomExtensions
{
    /// <summary>A standard normal draw (Box–Muller).</summary>
    public static double NextGaussian(this Random random)
    {
        var u1 = 1.0 - random.NextDouble();
        var u2 = random.NextDouble();
        return Math.Sqrt(-2.0 * Math.Log(u1)) * Math.Cos(2.0 * Math.PI * u2);
    }

    public static double NextUniform(this Random random, double min, double max) => min + (random.NextDouble() * (max - min));
}
