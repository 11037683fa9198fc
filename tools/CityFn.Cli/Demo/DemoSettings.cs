namespace CityFn.Cli.Demo;

/// <summary>What `cityfn demo` was asked for (docs/demo.md).</summary>
public sealed record DemoSettings(
    int Devices, int Minutes, int Seed, DateTimeOffset Start, int EpochMinutes, double VerificationFraction, int Parallelism, bool Keep)
{
    /// <summary>
    /// Capture files of an epoch's last minute are enqueued just after the epoch ends, so each epoch is settled
    /// once the files of this long after its end are ingested and scored (the SettleEpoch timer's grace period).
    /// </summary>
    public static readonly TimeSpan Grace = TimeSpan.FromMinutes(2);

    public TimeSpan EpochLength => TimeSpan.FromMinutes(EpochMinutes);

    public DateTimeOffset End => Start.AddMinutes(Minutes);
}
