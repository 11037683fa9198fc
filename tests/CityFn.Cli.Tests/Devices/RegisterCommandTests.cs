using System.Security.Cryptography;
using System.Text.Json;
using CityFn.TestSupport;

namespace CityFn.Cli.Tests.Devices;

[Collection(LocalDependenciesCollection.Name)]
public sealed class RegisterCommandTests(AzuriteFixture azurite) : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("cityfn-register-").FullName;

    [Fact]
    public async Task Register_stores_the_binding_and_refuses_the_same_nonce_again_with_the_reason()
    {
        var owner = WriteKey("owner.key");
        var device = WriteKey("device.key");
        string[] args = ["register", "--owner-key-file", owner, "--device-key-file", device, "--kind", "air", "--lat", "52.37", "--lon", "4.89", "--storage", azurite.ConnectionString];

        var (exitCode, output) = await CliRun.InvokeAsync(args);
        var (secondExit, second) = await CliRun.InvokeAsync(args);

        Assert.Equal(0, exitCode);
        using var result = JsonDocument.Parse(output);
        Assert.True(result.RootElement.GetProperty("stored").GetBoolean());
        Assert.Equal("air", result.RootElement.GetProperty("registration").GetProperty("kind").GetString());
        Assert.Equal(1, secondExit);
        Assert.Contains("stale_nonce", second, StringComparison.Ordinal);
        Assert.DoesNotContain(File.ReadAllText(owner), output + second, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task Without_keys_it_says_where_to_put_them()
    {
        var (exitCode, output) = await CliRun.InvokeAsync("register", "--kind", "air", "--lat", "1", "--lon", "1", "--storage", azurite.ConnectionString);

        Assert.Equal(2, exitCode);
        Assert.Contains("--owner-key-file", output, StringComparison.Ordinal);
    }

    private string WriteKey(string name)
    {
        var path = Path.Combine(_directory, name);
        File.WriteAllText(path, Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(32)));
        return path;
    }

    public void Dispose() => Directory.Delete(_directory, recursive: true);
}
