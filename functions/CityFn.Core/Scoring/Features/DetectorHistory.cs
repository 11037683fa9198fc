using CityFn.Core.Ingest;

namespace CityFn.Core.Scoring.Features;

/// <summary>Count and sum of one channel over a span of minutes: enough for a mean.</summary>
public readonly record struct ChannelHistory(long Count, double Sum)
{
    public double? Mean => Count == 0 ? null : Sum / Count;

    public ChannelHistory Add(ChannelHistory other) => new(Count + other.Count, Sum + other.Sum);
}

/// <summary>
/// Where features get the devices' past minutes: the accepted readings of every capture file ingested so far.
/// </summary>
public interface IDetectorHistory
{
    /// <summary>
    /// Every device's minutes in [<paramref name="from"/>, <paramref name="to"/>) (UTC minute starts), per channel
    /// the count and sum of its readings, leaving out the readings blob <paramref name="except"/> (the job's own
    /// file, whose readings the caller adds itself).
    /// </summary>
    Task<MinuteHistory> ReadMinutesAsync(DateTimeOffset from, DateTimeOffset to, string? except = null, CancellationToken cancellationToken = default);
}

/// <summary>Per device, per minute start (UTC), per channel: count and sum of the readings in that minute.</summary>
public sealed class MinuteHistory
{
    private static readonly IReadOnlyDictionary<DateTimeOffset, Dictionary<string, ChannelHistory>> None =
        new Dictionary<DateTimeOffset, Dictionary<string, ChannelHistory>>();

    private readonly Dictionary<string, Dictionary<DateTimeOffset, Dictionary<string, ChannelHistory>>> _devices = new(StringComparer.Ordinal);

    public static MinuteHistory Empty => new();

    /// <summary>Devices with at least one reading in the span.</summary>
    public IEnumerable<string> Devices => _devices.Keys;

    /// <summary>The device's minutes (empty when it has none in the span).</summary>
    public IReadOnlyDictionary<DateTimeOffset, Dictionary<string, ChannelHistory>> Minutes(string device) =>
        _devices.TryGetValue(device, out var minutes) ? minutes : None;

    /// <summary>The mean of a channel in one minute, or NaN.</summary>
    public double Mean(string device, DateTimeOffset minute, string channel) =>
        _devices.TryGetValue(device, out var minutes) && minutes.TryGetValue(minute, out var channels)
            && channels.TryGetValue(channel, out var history) && history.Mean is { } mean
            ? mean
            : double.NaN;

    /// <summary>Adds readings (a job's own file) whose minute lies in [<paramref name="from"/>, <paramref name="to"/>), as the stored files' minutes are added.</summary>
    public void AddReadings(IEnumerable<ReadingRow> readings, DateTimeOffset from, DateTimeOffset to)
    {
        ArgumentNullException.ThrowIfNull(readings);
        foreach (var reading in readings)
        {
            var minute = MinuteSeries.Minute(reading.Time);
            if (minute < from || minute >= to || !SensorKinds.TryParse(reading.Kind, out var kind))
            {
                continue;
            }

            foreach (var channel in SensorKinds.Channels(kind))
            {
                if (reading.Channel(channel.Name) is { } value)
                {
                    Add(reading.Device, minute, channel.Name, new ChannelHistory(1, value));
                }
            }
        }
    }

    /// <summary>Adds one reading's value (or one stored partial) to a device's minute.</summary>
    public void Add(string device, DateTimeOffset minute, string channel, ChannelHistory value)
    {
        if (!_devices.TryGetValue(device, out var minutes))
        {
            _devices[device] = minutes = [];
        }

        if (!minutes.TryGetValue(minute, out var channels))
        {
            minutes[minute] = channels = new Dictionary<string, ChannelHistory>(StringComparer.Ordinal);
        }

        channels[channel] = channels.GetValueOrDefault(channel).Add(value);
    }
}
