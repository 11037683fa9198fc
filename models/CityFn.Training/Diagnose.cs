using CityFn.Training.Forecast;

namespace CityFn.Training;

internal static class Diagnose
{
    public static void Run()
    {
        var network = TrafficScenario.City();
        ScenarioOptions[] configs =
        [
            ScenarioOptions.Default,
        ];
        foreach (var config in configs)
        {
            var days = Enumerable.Range(0, 10).Select(i => new TrafficDay(new DateTimeOffset(2026, 3, 2 + (i % 4), 0, 0, 0, TimeSpan.Zero), 300 + i)).ToArray();
            var results = new TrafficDaySimulation[days.Length];
            Parallel.For(0, days.Length, i => results[i] = TrafficScenario.Simulate(network, days[i], config));
            Console.WriteLine(config);
            foreach (var day in results)
            {
                var perMinute = Enumerable.Range(0, day.MinuteCount).Select(m => network.Segments.Count(s => day.Minutes[s.Index][m].SpeedKmh < 0.6 * s.FreeFlowSpeedKmh)).ToArray();
                Console.WriteLine($"  demand {day.DemandScale:F2} congested detector-minutes {perMinute.Sum()} peak {perMinute.Max()} at end {perMinute[^1]}");
            }
        }
    }
}
