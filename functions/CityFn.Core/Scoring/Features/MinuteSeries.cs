using CityFn.Core.Ingest;

namespace CityFn.Core.Scoring.Features;

/// <summary>Readings to one-minute means, as ingest's minute aggregates hold them.</summary>
internal static class MinuteSeries
{
    public static readonly string[] TrafficChannels = ["flow_veh_h", "occupancy_pct", "speed_kmh"];

    /// <summary>The start (UTC) of the minute a reading's time falls in.</summary>
    public static DateTimeOffset Minute(DateTime time)
    {
        var utc = DateTime.SpecifyKind(time, DateTimeKind.Utc);
        return new DateTimeOffset(utc.Ticks - (utc.Ticks % TimeSpan.TicksPerMinute), TimeSpan.Zero);
    }

    /// <summary>Per minute: the mean of each channel over the readings in it (NaN where a channel has none).</summary>
    public static Dictionary<DateTimeOffset, double[]> Means(IEnumerable<ReadingRow> readings, IReadOnlyList<string> channels) =>
        readings.GroupBy(r => Minute(r.Time)).ToDictionary(
            g => g.Key,
            g => channels.Select(c => g.Select(r => r.Channel(c)).OfType<double>().DefaultIfEmpty(double.NaN).Average()).ToArray());
}
