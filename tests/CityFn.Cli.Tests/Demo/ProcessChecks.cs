using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;

namespace CityFn.Cli.Tests.Demo;

/// <summary>Reading the "(pid N)" the demo prints for what it started, and whether such a process still runs.</summary>
internal static partial class ProcessChecks
{
    public static IReadOnlyList<int> Pids(string text) =>
        PidPattern().Matches(text).Select(m => int.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture)).ToList();

    public static bool IsRunning(int pid)
    {
        try
        {
            using var process = Process.GetProcessById(pid);
            return !process.HasExited;
        }
        catch (ArgumentException)
        {
            return false;
        }
    }

    [GeneratedRegex(@"\(pid (\d+)\)")]
    private static partial Regex PidPattern();
}
