using System.CommandLine;
using CityFn.Edge.Models;
using CityFn.LocalDev;
using Spectre.Console;

namespace CityFn.Cli;

/// <summary>Exit codes and error reporting shared by every command.</summary>
public static class CliAction
{
    public const int Ok = 0;

    /// <summary>The command ran but found something wrong (for example: not healthy, not running).</summary>
    public const int NotOk = 1;

    /// <summary>A dependency is missing or the input is unusable; the message says what to do.</summary>
    public const int UserError = 2;

    public const int Interrupted = 130;

    /// <summary>
    /// Sets <paramref name="action"/> on the command, turning the errors users cause or can fix into
    /// a short message and a remedy instead of a stack trace.
    /// </summary>
    public static void Set(Command command, IAnsiConsole console, Func<ParseResult, CancellationToken, Task<int>> action)
    {
        ArgumentNullException.ThrowIfNull(command);
        command.SetAction(async (parseResult, cancellationToken) =>
        {
            try
            {
                return await action(parseResult, cancellationToken);
            }
            catch (DependencyUnavailableException exception)
            {
                console.MarkupLineInterpolated($"[red]error:[/] {exception.Message}");
                console.MarkupLineInterpolated($"[yellow]fix:[/] {exception.Remedy}");
                return UserError;
            }
            catch (CudaUnavailableException exception)
            {
                // --device cuda where ONNX Runtime's CUDA provider cannot load (edge serve, bench edge); the message names the remedy.
                console.MarkupLineInterpolated($"[red]error:[/] {exception.Message}");
                return UserError;
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                console.MarkupLine("[yellow]interrupted[/]");
                return Interrupted;
            }
        });
    }
}
