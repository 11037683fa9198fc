using System.Globalization;

namespace CityFn.Core.Rewards.Settlement;

/// <summary>
/// What differs between the inputs a settled report recorded and those recomputed from the ledger today, one
/// line per device or host, so that a verify-epoch that fails says which rows changed instead of only that the
/// digest did.
/// </summary>
public static class ReportDifferences
{
    public static IReadOnlyList<string> Between(SettlementReport settled, SettlementReport recomputed)
    {
        ArgumentNullException.ThrowIfNull(settled);
        ArgumentNullException.ThrowIfNull(recomputed);
        var lines = new List<string>();
        var now = recomputed.Devices.ToDictionary(d => d.Device, StringComparer.Ordinal);
        foreach (var then in settled.Devices)
        {
            if (!now.Remove(then.Device, out var device))
            {
                lines.Add($"device {then.Device}: settled, but it has no (registered) ledger rows now: rows were deleted or its registration removed");
                continue;
            }

            Compare(lines, "device " + then.Device, "owner", then.Owner, device.Owner);
            Compare(lines, "device " + then.Device, "cell", then.Cell, device.Cell);
            Compare(lines, "device " + then.Device, "accepted samples", Text(then.Accepted), Text(device.Accepted));
            Compare(lines, "device " + then.Device, "expected samples", Text(then.Expected), Text(device.Expected));
            if (then.Quality != device.Quality)
            {
                Compare(lines, "device " + then.Device, "quality", Text(then.Quality), Text(device.Quality));
            }
        }

        lines.AddRange(now.Keys.Order(StringComparer.Ordinal).Select(device =>
            $"device {device}: in the ledger now, not when settled: rows were recorded after settlement"));

        var hosts = recomputed.Hosts.ToDictionary(h => h.Host, StringComparer.Ordinal);
        foreach (var then in settled.Hosts)
        {
            if (!hosts.Remove(then.Host, out var host))
            {
                lines.Add($"host {then.Host}: settled, but it has no ledger rows now: rows were deleted");
                continue;
            }

            Compare(lines, "host " + then.Host, "operator", then.Operator, host.Operator);
            Compare(lines, "host " + then.Host, "score (verified rows x model weight)", then.Score, host.Score);
            Compare(lines, "host " + then.Host, "quarantined", then.Quarantined ? "yes" : "no", host.Quarantined ? "yes" : "no");
        }

        lines.AddRange(hosts.Keys.Order(StringComparer.Ordinal).Select(host =>
            $"host {host}: in the ledger now, not when settled: rows were recorded after settlement"));
        return lines;
    }

    private static void Compare(List<string> lines, string what, string field, string then, string now)
    {
        if (then != now)
        {
            lines.Add($"{what}: {field} {then} when settled, {now} now");
        }
    }

    private static string Text(long value) => value.ToString(CultureInfo.InvariantCulture);

    private static string Text(decimal value) => value.ToString(CultureInfo.InvariantCulture);
}
