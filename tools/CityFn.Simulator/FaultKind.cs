namespace CityFn.Simulator;

/// <summary>
/// What is wrong with a device in a minute (the ground-truth label). <see cref="FaultKinds.Code"/> gives the
/// stable snake_case codes used in truth.jsonl.
/// </summary>
public enum FaultKind
{
    None,

    /// <summary>Every channel repeats the last good value.</summary>
    StuckAt,

    /// <summary>One channel jumps 5–10 typical variations away for a minute or three.</summary>
    Spike,

    /// <summary>Every channel walks away from the truth, linearly, 0.05–0.15 typical variations per minute.</summary>
    Drift,

    /// <summary>Noise of 2–4 typical variations on every channel.</summary>
    ExcessNoise,

    /// <summary>No message at all.</summary>
    Dropout,

    /// <summary>Plausible but fabricated: a smooth textbook day for the kind, blind to the real local traffic and weather.</summary>
    Spoofed,

    /// <summary>An old message re-sent (same sequence number and body) instead of a fresh one.</summary>
    Replayed,
}

public static class FaultKinds
{
    /// <summary>The fault kinds (everything but <see cref="FaultKind.None"/>).</summary>
    public static IReadOnlyList<FaultKind> All { get; } =
        [FaultKind.StuckAt, FaultKind.Spike, FaultKind.Drift, FaultKind.ExcessNoise, FaultKind.Dropout, FaultKind.Spoofed, FaultKind.Replayed];

    public static string Code(FaultKind kind) => kind switch
    {
        FaultKind.None => "none",
        FaultKind.StuckAt => "stuck_at",
        FaultKind.Spike => "spike",
        FaultKind.Drift => "drift",
        FaultKind.ExcessNoise => "excess_noise",
        FaultKind.Dropout => "dropout",
        FaultKind.Spoofed => "spoofed",
        FaultKind.Replayed => "replayed",
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "Unknown fault kind."),
    };

    /// <summary>Episode length range in minutes (inclusive) per kind.</summary>
    internal static (int Min, int Max) Length(FaultKind kind) => kind switch
    {
        FaultKind.StuckAt => (10, 60),
        FaultKind.Spike => (1, 3),
        FaultKind.Drift => (30, 120),
        FaultKind.ExcessNoise => (10, 60),
        FaultKind.Dropout => (5, 30),
        FaultKind.Spoofed => (30, 120),
        FaultKind.Replayed => (5, 20),
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "None has no episodes."),
    };
}

/// <summary>
/// One fault on one device, minutes [<see cref="StartMinute"/>, <see cref="EndMinute"/>) of the run. A
/// replayed episode re-sends, at minute m, the message of minute m − <see cref="ReplayLagMinutes"/>.
/// </summary>
public sealed record FaultEpisode(int DeviceIndex, FaultKind Kind, int StartMinute, int EndMinute, int ReplayLagMinutes = 0)
{
    public int LengthMinutes => EndMinute - StartMinute;

    public bool Covers(int minute) => minute >= StartMinute && minute < EndMinute;
}
