namespace CityFn.Core.Rewards;

/// <summary>
/// Epoch numbering: epoch N covers [1970-01-01T00:00Z + N × length, + (N + 1) × length). With the
/// default 1-hour length, epoch 493 000 starts 2026-03-30T16:00Z. Ingest and scoring use this to
/// decide which epoch a reading or a scored row belongs to; settlement to know when an epoch ended.
/// </summary>
public sealed class EpochClock
{
    public EpochClock(TimeSpan length)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(length, TimeSpan.FromMinutes(1));
        Length = length;
    }

    public TimeSpan Length { get; }

    /// <summary>The epoch a moment belongs to (a moment before 1970 throws: no such epoch).</summary>
    public long EpochOf(DateTimeOffset moment)
    {
        var sinceOrigin = moment.UtcTicks - DateTimeOffset.UnixEpoch.UtcTicks;
        ArgumentOutOfRangeException.ThrowIfNegative(sinceOrigin, nameof(moment));
        return sinceOrigin / Length.Ticks;
    }

    public DateTimeOffset StartOf(long epoch)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(epoch);
        return DateTimeOffset.UnixEpoch.AddTicks(checked(epoch * Length.Ticks));
    }

    /// <summary>The first moment after the epoch (exclusive end).</summary>
    public DateTimeOffset EndOf(long epoch) => StartOf(epoch) + Length;
}
