using System.Text.Json;
using CityFn.Core.Devices;

namespace CityFn.Cli.Simulate;

/// <summary>
/// `cityfn register --file registry.json`: stores every signed registration of a registry file through the same
/// service POST /api/devices uses. A device already registered with the very same owner and nonce counts as
/// already registered, so registering a file twice is not an error.
/// </summary>
internal static class RegistryFileImport
{
    public static RegistryFile Read(string path)
    {
        RegistryFile? file;
        try
        {
            file = JsonSerializer.Deserialize(File.ReadAllText(path), SimulateJsonContext.Default.RegistryFile);
        }
        catch (JsonException exception)
        {
            throw new InvalidDataException($"{path} is not a registry file: {exception.Message}", exception);
        }

        if (file is null || file.Version != RegistryFile.CurrentVersion || file.Devices is null)
        {
            throw new InvalidDataException($"{path} is not a version {RegistryFile.CurrentVersion} registry file (written by `cityfn simulate`).");
        }

        return file;
    }

    public static async Task<RegistryImportResult> RegisterAllAsync(RegistryFile file, DeviceRegistrationService service, CancellationToken cancellationToken = default)
    {
        var stored = 0;
        var already = 0;
        var refused = new SortedDictionary<string, int>(StringComparer.Ordinal);
        foreach (var entry in file.Devices)
        {
            var result = await service.RegisterAsync(entry.Registration, cancellationToken);
            if (result.Stored)
            {
                stored++;
            }
            else if (result is { Reason: "stale_nonce", Registration: { } current }
                && current.Nonce == entry.Registration.Nonce
                && string.Equals(current.Owner, entry.Registration.Owner, StringComparison.OrdinalIgnoreCase))
            {
                already++;
            }
            else
            {
                refused[result.Reason ?? "unknown"] = refused.GetValueOrDefault(result.Reason ?? "unknown") + 1;
            }
        }

        return new RegistryImportResult(file.Devices.Count, stored, already, refused);
    }
}

/// <summary>What registering a file did: stored, already registered (same owner and nonce), refused per reason code.</summary>
public sealed record RegistryImportResult(int Devices, int Stored, int AlreadyRegistered, IReadOnlyDictionary<string, int> Refused);
