using System.Diagnostics;
using System.Globalization;
using Spectre.Console;

namespace CityFn.Cli.Demo;

/// <summary>
/// The demo's progress display: one line per phase with its result and time, and the total elapsed time. On a
/// terminal the running phase's line updates in place (stage, counts, elapsed); otherwise (a pipe, a log, CI)
/// it prints plain lines, updates at most every few seconds. Silent with --json. Collects the phase timings.
/// </summary>
internal sealed class DemoProgress(IAnsiConsole console, bool enabled)
{
    private static readonly TimeSpan PlainUpdateInterval = TimeSpan.FromSeconds(5);

    private readonly Stopwatch _total = Stopwatch.StartNew();
    private readonly Stopwatch _phase = new();
    private readonly Stopwatch _sinceUpdate = new();
    private readonly List<DemoPhase> _phases = [];
    private readonly bool _live = console.Profile.Capabilities.Ansi && console.Profile.Capabilities.Interactive;
    private readonly Lock _lock = new();
    private string? _name;

    public IReadOnlyList<DemoPhase> Phases => _phases;

    public TimeSpan Elapsed => _total.Elapsed;

    public void Begin(string name)
    {
        _name = name;
        _phase.Restart();
        _sinceUpdate.Restart();
        Show(_live ? $"[yellow]…[/] {Markup.Escape(name)}" : null);
    }

    /// <summary>Counts of the running phase (e.g. "412/960 files").</summary>
    public void Update(string detail)
    {
        lock (_lock)
        {
            UpdateLocked(detail);
        }
    }

    private void UpdateLocked(string detail)
    {
        if (!enabled || _name is null)
        {
            return;
        }

        if (_live)
        {
            Show($"[yellow]…[/] {Markup.Escape(_name)}  {Markup.Escape(detail)}  [grey]{Seconds(_phase.Elapsed)}[/]");
        }
        else if (_sinceUpdate.Elapsed >= PlainUpdateInterval)
        {
            _sinceUpdate.Restart();
            // Plain lines are written unwrapped (a log keeps long addresses whole).
            console.Profile.Out.Writer.WriteLine($"{Seconds(_total.Elapsed),8}   {_name}: {detail}");
        }
    }

    public void End(string detail)
    {
        var name = _name ?? "?";
        _phases.Add(new DemoPhase(name, Math.Round(_phase.Elapsed.TotalSeconds, 2), detail));
        _name = null;
        if (!enabled)
        {
            return;
        }

        Clear();
        if (_live)
        {
            console.MarkupLine($"[grey]{Seconds(_total.Elapsed),8}[/] [green]✓[/] {Markup.Escape(name)}  {Markup.Escape(detail)}  [grey]({Seconds(_phase.Elapsed)})[/]");
        }
        else
        {
            console.Profile.Out.Writer.WriteLine($"{Seconds(_total.Elapsed),8} ✓ {name}  {detail}  ({Seconds(_phase.Elapsed)})");
        }
    }

    public void Fail(string message)
    {
        var name = _name ?? "demo";
        _phases.Add(new DemoPhase(name, Math.Round(_phase.Elapsed.TotalSeconds, 2), "failed: " + message));
        _name = null;
        if (!enabled)
        {
            return;
        }

        Clear();
        console.MarkupLine($"[grey]{Seconds(_total.Elapsed),8}[/] [red]✗ {Markup.Escape(name)}[/]  {Markup.Escape(message)}");
    }

    private void Show(string? markup)
    {
        if (!enabled || !_live || markup is null)
        {
            return;
        }

        Clear();
        console.Markup($"[grey]{Seconds(_total.Elapsed),8}[/] {markup}");
    }

    private void Clear()
    {
        if (_live)
        {
            // Carriage return and "erase line": the running phase's line is rewritten in place.
            console.Profile.Out.Writer.Write("\r\u001b[2K");
        }
    }

    private static string Seconds(TimeSpan elapsed) => elapsed.TotalSeconds.ToString("F1", CultureInfo.InvariantCulture) + " s";
}
