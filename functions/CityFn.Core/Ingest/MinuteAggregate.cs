namespace CityFn.Core.Ingest;

/// <summary>
/// count, sum, min, max and last (with its time) of one channel of one device over one minute, from one
/// capture file. Partials from different files merge commutatively (<see cref="Merge"/>), which is what
/// makes the stored buckets correct whatever order files arrive in, and re-runs idempotent.
/// </summary>
public sealed record MinuteAggregate(long Count, double Sum, double Min, double Max, double Last, DateTimeOffset LastAt)
{
    public double Mean => Count == 0 ? double.NaN : Sum / Count;

    public static MinuteAggregate Of(double value, DateTimeOffset at) => new(1, value, value, value, value, at);

    public MinuteAggregate Add(double value, DateTimeOffset at) => Merge(Of(value, at));

    /// <summary>Later sample wins "last"; on equal times the larger value, so the merge does not depend on order.</summary>
    public MinuteAggregate Merge(MinuteAggregate other)
    {
        ArgumentNullException.ThrowIfNull(other);
        var otherIsLast = other.LastAt > LastAt || (other.LastAt == LastAt && other.Last > Last);
        return new MinuteAggregate(
            Count + other.Count, Sum + other.Sum, Math.Min(Min, other.Min), Math.Max(Max, other.Max),
            otherIsLast ? other.Last : Last, otherIsLast ? other.LastAt : LastAt);
    }
}

/// <summary>Which bucket: a device's channel in the minute starting at <see cref="Minute"/> (UTC).</summary>
public readonly record struct MinuteKey(string Device, DateTimeOffset Minute, string Channel);

/// <summary>Folds accepted messages into 1-minute buckets per device and channel.</summary>
public sealed class MinuteAggregator
{
    private readonly Dictionary<MinuteKey, Accumulator> _buckets = [];

    public IEnumerable<KeyValuePair<MinuteKey, MinuteAggregate>> Buckets =>
        _buckets.Select(b => KeyValuePair.Create(b.Key, b.Value.ToAggregate()));

    public int Count => _buckets.Count;

    public void Clear() => _buckets.Clear();

    /// <summary>Removes and returns the buckets <paramref name="take"/> selects (the ingest stage writes them and forgets them).</summary>
    public List<KeyValuePair<MinuteKey, MinuteAggregate>> Take(Func<MinuteKey, bool> take)
    {
        ArgumentNullException.ThrowIfNull(take);
        var taken = new List<KeyValuePair<MinuteKey, MinuteAggregate>>();
        foreach (var (key, bucket) in _buckets)
        {
            if (take(key))
            {
                taken.Add(KeyValuePair.Create(key, bucket.ToAggregate()));
            }
        }

        foreach (var (key, _) in taken)
        {
            _buckets.Remove(key);
        }

        return taken;
    }

    public void Add(DeviceMessage message)
    {
        ArgumentNullException.ThrowIfNull(message);
        var channels = SensorKinds.Channels(message.Kind);
        for (var c = 0; c < channels.Count; c++)
        {
            var values = message.Samples[c];
            Accumulator? bucket = null;
            var bucketMinute = DateTimeOffset.MinValue;
            for (var i = 0; i < values.Length; i++)
            {
                var at = message.SampleTime(i);
                var minute = new DateTimeOffset(at.UtcTicks - (at.UtcTicks % TimeSpan.TicksPerMinute), TimeSpan.Zero);
                if (bucket is null || minute != bucketMinute)
                {
                    var key = new MinuteKey(message.Device, minute, channels[c].Name);
                    if (!_buckets.TryGetValue(key, out bucket))
                    {
                        bucket = new Accumulator();
                        _buckets.Add(key, bucket);
                    }

                    bucketMinute = minute;
                }

                bucket.Add(values[i], at);
            }
        }
    }

    /// <summary>Mutable while folding one file, to avoid a record allocation per sample.</summary>
    private sealed class Accumulator
    {
        private long _count;
        private double _sum;
        private double _min = double.PositiveInfinity;
        private double _max = double.NegativeInfinity;
        private double _last;
        private DateTimeOffset _lastAt = DateTimeOffset.MinValue;

        public void Add(double value, DateTimeOffset at)
        {
            _count++;
            _sum += value;
            _min = Math.Min(_min, value);
            _max = Math.Max(_max, value);
            if (at > _lastAt || (at == _lastAt && value > _last))
            {
                _last = value;
                _lastAt = at;
            }
        }

        public MinuteAggregate ToAggregate() => new(_count, _sum, _min, _max, _last, _lastAt);
    }
}
