using Spectre.Console;

namespace CityFn.Cli.Tests;

/// <summary>Runs the cityfn command tree in-process and captures what a user would see.</summary>
internal static class CliRun
{
    public static async Task<(int ExitCode, string Output)> InvokeAsync(params string[] args)
    {
        var writer = new StringWriter();
        var console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Ansi = AnsiSupport.No,
            ColorSystem = ColorSystemSupport.NoColors,
            Interactive = InteractionSupport.No,
            Out = new AnsiConsoleOutput(writer),
        });
        console.Profile.Width = 200;
        var exitCode = await CliApp.RunAsync(args, console, writer, writer);
        return (exitCode, writer.ToString());
    }
}
