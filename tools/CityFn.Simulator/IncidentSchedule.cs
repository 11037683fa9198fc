namespace CityFn.Simulator;

/// <summary>
/// Random incidents for a run: a Poisson process of <c>perDay</c> incidents a day, each on a random segment
/// (an arterial 60 % of the time, where most incidents happen), lasting 15–90 minutes, leaving 0–50 % of capacity.
/// </summary>
internal static class IncidentSchedule
{
    public static List<Incident> Draw(RoadNetwork network, DateTimeOffset start, int minutes, double perDay, Random random)
    {
        var incidents = new List<Incident>();
        var perMinute = perDay / 1440;
        var arterials = network.Segments.Where(s => s.IsArterial).ToList();
        var locals = network.Segments.Where(s => !s.IsArterial).ToList();
        for (var minute = 0; minute < minutes; minute++)
        {
            if (random.NextDouble() >= perMinute)
            {
                continue;
            }

            var pool = arterials.Count > 0 && (locals.Count == 0 || random.NextDouble() < 0.6) ? arterials : locals;
            var segment = pool[random.Next(pool.Count)];
            incidents.Add(new Incident(
                segment.Id, start.AddMinutes(minute), TimeSpan.FromMinutes(random.Next(15, 91)), Math.Round(random.NextUniform(0, 0.5), 2)));
        }

        return incidents;
    }
}
