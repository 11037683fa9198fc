using System.Text.Json;
using System.Text.Json.Serialization;

namespace CityFn.LocalDev;

/// <summary>What <c>cityfn dev up</c> started, persisted so later commands can find and stop it.</summary>
public sealed record DevState(
    int AzuritePid,
    AzuriteEndpoints Azurite,
    int ChainPid,
    ChainEndpoint Chain,
    IReadOnlyList<string> FundedKeys,
    DateTimeOffset StartedAt)
{
    public static DevState? Load(string path)
    {
        if (!File.Exists(path))
        {
            return null;
        }

        try
        {
            return JsonSerializer.Deserialize(File.ReadAllText(path), DevStateJsonContext.Default.DevState);
        }
        catch (JsonException exception)
        {
            throw new DependencyUnavailableException(
                $"The dev state file {path} is unreadable: {exception.Message}",
                "Stop any Azurite or Hardhat you started by hand (by PID), delete the file, and run `cityfn dev up`.",
                exception);
        }
    }

    /// <summary>Writes the state readable by the owner only: it holds the local chain's funded keys.</summary>
    public void Save(string path)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        var temporary = path + ".tmp";
        var options = new FileStreamOptions { Mode = FileMode.Create, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        }

        using (var stream = new FileStream(temporary, options))
        {
            JsonSerializer.Serialize(stream, this, DevStateJsonContext.Default.DevState);
        }

        File.Move(temporary, path, overwrite: true);
    }
}

[JsonSourceGenerationOptions(WriteIndented = true, PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase)]
[JsonSerializable(typeof(DevState))]
internal sealed partial class DevStateJsonContext : JsonSerializerContext;
