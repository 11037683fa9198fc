using System.Net;
using System.Text.RegularExpressions;
using CityFn.Cli;
using CityFn.TestSupport;
using Spectre.Console;

namespace CityFn.Dashboard.Tests;

/// <summary><c>cityfn dashboard</c> run in-process, as a user runs it.</summary>
[Collection(EmptyCityCollection.Name)]
public sealed partial class DashboardCommandTests(AzuriteFixture azurite)
{
    [Fact]
    public async Task Cityfn_dashboard_serves_the_page_until_interrupted_and_then_stops()
    {
        using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(90));
        var (console, output) = Console();
        var run = CliApp.RunAsync(
            ["dashboard", "--port", "0", "--storage", azurite.ConnectionString, "--deployment-file", Path.Combine(Path.GetTempPath(), "no-such-deployment.json")],
            console, output, output, stop.Token);

        Uri? page = null;
        while (page is null && !run.IsCompleted)
        {
            page = PageUrl().Match(output.ToString()) is { Success: true } match ? new Uri(match.Value) : null;
            await Task.Delay(20);
        }

        Assert.True(page is not null, output.ToString());
        using var http = new HttpClient();
        using var response = await http.GetAsync(page);
        await stop.CancelAsync();
        var exitCode = await run;

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/html; charset=utf-8", response.Content.Headers.ContentType!.ToString());
        Assert.Equal(CliAction.Ok, exitCode);
        Assert.Contains("no RewardDistributor known", output.ToString(), StringComparison.Ordinal);
        Assert.Contains("stopped", output.ToString(), StringComparison.Ordinal);
        await Assert.ThrowsAsync<HttpRequestException>(() => http.GetAsync(page));
    }

    [Fact]
    public async Task Cityfn_dashboard_without_reachable_storage_says_how_to_start_it()
    {
        var (console, output) = Console();

        var exitCode = await CliApp.RunAsync(
            ["dashboard", "--port", "0", "--storage", ClosedPort.AzuriteEndpoints().ConnectionString], console, output, output);

        Assert.Equal(CliAction.UserError, exitCode);
        Assert.Contains("The storage account is not reachable", output.ToString(), StringComparison.Ordinal);
        Assert.Contains("cityfn dev up", output.ToString(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("-1")]
    [InlineData("65536")]
    public async Task A_port_out_of_range_is_refused(string port)
    {
        var (console, output) = Console();

        var exitCode = await CliApp.RunAsync(["dashboard", "--port", port, "--storage", azurite.ConnectionString], console, output, output);

        Assert.Equal(CliAction.UserError, exitCode);
        Assert.Contains("--port must be 0 to 65535", output.ToString(), StringComparison.Ordinal);
    }

    private static (IAnsiConsole Console, CapturedOutput Output) Console()
    {
        var output = new CapturedOutput();
        var console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Ansi = AnsiSupport.No,
            ColorSystem = ColorSystemSupport.NoColors,
            Interactive = InteractionSupport.No,
            Out = new AnsiConsoleOutput(output),
        });
        console.Profile.Width = 200;
        return (console, output);
    }

    /// <summary>What the command wrote; it writes from its own task while the test reads, so both sides lock.</summary>
    private sealed class CapturedOutput : StringWriter
    {
        private readonly Lock _lock = new();

        public override void Write(char value)
        {
            lock (_lock)
            {
                base.Write(value);
            }
        }

        public override void Write(string? value)
        {
            lock (_lock)
            {
                base.Write(value);
            }
        }

        public override void Write(char[] buffer, int index, int count)
        {
            lock (_lock)
            {
                base.Write(buffer, index, count);
            }
        }

        public override string ToString()
        {
            lock (_lock)
            {
                return base.ToString();
            }
        }
    }

    [GeneratedRegex(@"http://127\.0\.0\.1:\d+/api/dashboard")]
    private static partial Regex PageUrl();
}
