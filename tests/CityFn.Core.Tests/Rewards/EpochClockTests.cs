using CityFn.Core.Rewards;

namespace CityFn.Core.Tests.Rewards;

public sealed class EpochClockTests
{
    private readonly EpochClock _hourly = new(TimeSpan.FromHours(1));

    [Fact]
    public void Epochs_count_whole_lengths_since_1970()
    {
        var moment = new DateTimeOffset(2026, 11, 25, 15, 59, 59, TimeSpan.Zero);

        var epoch = _hourly.EpochOf(moment);

        Assert.Equal(new DateTimeOffset(2026, 11, 25, 15, 0, 0, TimeSpan.Zero), _hourly.StartOf(epoch));
        Assert.Equal(new DateTimeOffset(2026, 11, 25, 16, 0, 0, TimeSpan.Zero), _hourly.EndOf(epoch));
        Assert.Equal(epoch + 1, _hourly.EpochOf(moment.AddSeconds(1)));
    }

    [Fact]
    public void A_moment_in_another_time_zone_belongs_to_the_same_epoch_as_its_UTC_instant()
    {
        var utc = new DateTimeOffset(2026, 11, 25, 15, 30, 0, TimeSpan.Zero);

        Assert.Equal(_hourly.EpochOf(utc), _hourly.EpochOf(utc.ToOffset(TimeSpan.FromHours(5.5))));
    }
}
