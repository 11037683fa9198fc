using System.Globalization;
using Azure.Data.Tables;

namespace CityFn.Core.Scoring.Outputs;

/// <summary>
/// A congestion episode of a road segment: a run of congested forecasts, from the first congested one to the next
/// forecast that is not congested (the segment recovered). The latest-forecast row of a segment (table
/// SegmentForecasts) carries <see cref="EpisodeStart"/> — the <c>For</c> of the forecast that started the episode
/// it belongs to — so the next forecast can tell whether it continues an episode or starts one, and one alert is
/// raised per episode, with an id derived from the segment and the episode start (the same on every re-run).
/// </summary>
/// <remarks>
/// Forecasts are settled in the order they reach the table: jobs finish in any order, and a forecast older than the
/// stored one is not written and neither starts nor ends an episode (the newer one already decided it), except that
/// it re-raises the alert of an episode it started itself (a re-run after a crash between table and alert log).
/// </remarks>
public static class CongestionEpisodes
{
    public const string EpisodeStart = "EpisodeStart";

    /// <summary>
    /// Decides the episode of a new forecast row against the stored row of its segment (null when none): sets or
    /// clears the new row's <see cref="EpisodeStart"/>, and returns the start of the episode the forecast belongs to
    /// (null when it is not congested, or is older than the stored row and did not start the stored row's episode).
    /// </summary>
    public static DateTimeOffset? Settle(TableEntity forecast, TableEntity? stored)
    {
        ArgumentNullException.ThrowIfNull(forecast);
        var time = forecast.GetDateTimeOffset("For");
        if (stored is not null && stored.GetDateTimeOffset("For") > time)
        {
            return StartOf(stored) is { } later && later == time ? later : null;
        }

        if (forecast.GetString("Level") != CongestionLevels.Congested || time is null)
        {
            forecast.Remove(EpisodeStart);
            return null;
        }

        var start = (stored is null ? null : StartOf(stored)) ?? time.Value;
        forecast[EpisodeStart] = start;
        return start;
    }

    /// <summary>The alert id of a segment's episode: the same for every forecast and every re-run that raises it.</summary>
    public static string AlertId(string segment, DateTimeOffset episodeStart) =>
        string.Create(CultureInfo.InvariantCulture, $"{ScoringAlert.Congestion}|{segment}|{episodeStart.UtcDateTime:yyyy-MM-ddTHH:mm}Z");

    private static DateTimeOffset? StartOf(TableEntity row) =>
        row.GetString("Level") == CongestionLevels.Congested ? row.GetDateTimeOffset(EpisodeStart) : null;
}
