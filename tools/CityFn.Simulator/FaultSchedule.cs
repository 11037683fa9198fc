namespace CityFn.Simulator;

/// <summary>
/// Draws each device's fault episodes for a run from its own random stream. Episodes never overlap and are
/// separated by at least one clean minute. A clean minute starts an episode with probability
/// p = rate / ((1 − rate) × mean episode length), so that about <c>rate</c> of all device-minutes are faulty.
/// A replayed episode needs earlier clean messages to re-send: its lag reaches back only to the end of the
/// previous episode; where there is no room, another kind is drawn.
/// </summary>
internal static class FaultSchedule
{
    public static List<FaultEpisode> Draw(int deviceIndex, int minutes, double rate, IReadOnlyList<FaultKind> kinds, Random random)
    {
        var episodes = new List<FaultEpisode>();
        if (rate <= 0 || kinds.Count == 0)
        {
            return episodes;
        }

        var meanLength = kinds.Average(k => (FaultKinds.Length(k).Min + FaultKinds.Length(k).Max) / 2.0);
        var onset = rate >= 1 ? 1 : rate / ((1 - rate) * meanLength);
        var cleanSince = 0;
        for (var minute = 0; minute < minutes; minute++)
        {
            if (random.NextDouble() >= onset)
            {
                continue;
            }

            var kind = kinds[random.Next(kinds.Count)];
            var (min, max) = FaultKinds.Length(kind);
            var length = random.Next(min, max + 1);
            var lag = 0;
            if (kind == FaultKind.Replayed)
            {
                // Re-sent messages come from the clean stretch before the episode: minute − lag ≥ cleanSince.
                var room = minute - cleanSince;
                if (room < 1)
                {
                    kind = kinds.FirstOrDefault(k => k != FaultKind.Replayed);
                    if (kind == FaultKind.None)
                    {
                        continue;
                    }

                    (min, max) = FaultKinds.Length(kind);
                    length = random.Next(min, max + 1);
                }
                else
                {
                    length = Math.Min(length, room);
                    lag = length + random.Next(0, Math.Min(30, room - length) + 1);
                }
            }

            var end = Math.Min(minutes, minute + length);
            episodes.Add(new FaultEpisode(deviceIndex, kind, minute, end, lag));
            cleanSince = end + 1;
            minute = end;
        }

        return episodes;
    }
}
