using CityFn.LocalDev;
using Spectre.Console;

namespace CityFn.Cli.Dev;

internal static class DevStatusTable
{
    public static void Write(IAnsiConsole console, DevStatus status)
    {
        var table = new Table().AddColumns("service", "PID", "state", "endpoint", "log");
        foreach (var service in status.Services)
        {
            var state = service.Ready ? "[green]ready[/]" : service.Running ? "[yellow]not answering[/]" : "[red]stopped[/]";
            table.AddRow(
                new Text(service.Name),
                new Text(service.Pid.ToString(System.Globalization.CultureInfo.InvariantCulture)),
                new Markup(state),
                new Text(service.Endpoint),
                new Text(service.LogFile));
        }

        console.Write(table);
        if (status.LocalSettingsFile is not null)
        {
            console.MarkupLineInterpolated($"Functions settings: {status.LocalSettingsFile}");
        }
    }
}
