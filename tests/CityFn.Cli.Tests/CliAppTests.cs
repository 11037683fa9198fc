namespace CityFn.Cli.Tests;

public sealed class CliAppTests
{
    [Fact]
    public async Task Help_lists_the_commands_with_their_descriptions()
    {
        var (exitCode, output) = await CliRun.InvokeAsync("--help");

        Assert.Equal(0, exitCode);
        Assert.Contains("dev", output, StringComparison.Ordinal);
        Assert.Contains("health", output, StringComparison.Ordinal);
        Assert.Contains("rewards", output, StringComparison.Ordinal);
        Assert.Contains("bench", output, StringComparison.Ordinal);
        Assert.Contains("Run Azurite and a local Hardhat chain", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Dev_help_lists_up_status_and_down()
    {
        var (exitCode, output) = await CliRun.InvokeAsync("dev", "--help");

        Assert.Equal(0, exitCode);
        Assert.Contains("up", output, StringComparison.Ordinal);
        Assert.Contains("status", output, StringComparison.Ordinal);
        Assert.Contains("down", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_unknown_command_fails_with_a_parse_error()
    {
        var (exitCode, output) = await CliRun.InvokeAsync("frobnicate");

        Assert.NotEqual(0, exitCode);
        Assert.Contains("frobnicate", output, StringComparison.Ordinal);
    }
}
