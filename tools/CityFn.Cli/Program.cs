using System.Runtime.InteropServices;
using CityFn.Cli;
using Spectre.Console;

// Ctrl+C (SIGINT) and SIGTERM cancel the running command, which then stops what it started (exit 130).
using var interrupted = new CancellationTokenSource();
void Cancel(PosixSignalContext context)
{
    context.Cancel = true;
    interrupted.Cancel();
}

using var sigint = PosixSignalRegistration.Create(PosixSignal.SIGINT, Cancel);
using var sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, Cancel);
return await CliApp.RunAsync(args, AnsiConsole.Console, Console.Out, Console.Error, interrupted.Token);
