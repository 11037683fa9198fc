using System.CommandLine;
using System.Text.Json;
using Azure.Data.Tables;
using CityFn.Core.Devices;
using CityFn.LocalDev;
using Spectre.Console;

namespace CityFn.Cli.Devices;

/// <summary>
/// <c>cityfn register</c>: signs a device registration (EIP-712) with the owner's and the device's keys and
/// stores it through the same service POST /api/devices uses. Keys come from files or environment variables,
/// never from the command line (which other users of the machine can read) and are never printed.
/// <c>--file registry.json</c> instead registers every already signed registration of a file `cityfn simulate` wrote.
/// </summary>
public static class RegisterCommand
{
    public const string OwnerKeyVariable = "CITYFN_OWNER_KEY";
    public const string DeviceKeyVariable = "CITYFN_DEVICE_KEY";

    public static Command Build(IAnsiConsole console)
    {
        var ownerKeyFile = new Option<FileInfo?>("--owner-key-file") { Description = $"File holding the owner's (payout wallet's) private key in hex. Default: ${OwnerKeyVariable}." };
        var deviceKeyFile = new Option<FileInfo?>("--device-key-file") { Description = $"File holding the device's private key in hex. Default: ${DeviceKeyVariable}." };
        var kind = new Option<string>("--kind") { Description = "traffic, air, noise or weather (required without --file)." };
        var lat = new Option<double>("--lat") { Description = "Latitude in degrees (required without --file)." };
        var lon = new Option<double>("--lon") { Description = "Longitude in degrees (required without --file)." };
        var file = new Option<FileInfo?>("--file") { Description = "Register every signed registration in this registry.json (written by `cityfn simulate`); no keys needed." };
        var segment = new Option<string?>("--segment") { Description = "Road segment id (required for traffic detectors)." };
        var nonce = new Option<long>("--nonce") { Description = "Registration nonce; a higher one replaces the stored registration.", DefaultValueFactory = _ => 1 };
        var chainId = new Option<long>("--chain-id") { Description = "EIP-712 domain chain id.", DefaultValueFactory = _ => 31337 };
        var storage = new Option<string?>("--storage") { Description = "Storage connection string. Default: the Azurite that `cityfn dev up` runs." };
        var command = new Command("register", "Register a device to its owner's payout wallet (both sign EIP-712 typed data).")
        {
            ownerKeyFile, deviceKeyFile, kind, lat, lon, segment, nonce, chainId, storage, file,
        };

        CliAction.Set(command, console, async (parseResult, cancellationToken) =>
        {
            if (parseResult.GetValue(file) is { } registryFile)
            {
                return await RegisterFileAsync(console, registryFile, parseResult.GetValue(storage), cancellationToken);
            }

            if (parseResult.GetResult(kind) is null || parseResult.GetResult(lat) is null || parseResult.GetResult(lon) is null)
            {
                console.MarkupLine("[red]error:[/] --kind, --lat and --lon are required (or --file registry.json).");
                return CliAction.UserError;
            }

            var ownerSecret = ReadKey(parseResult.GetValue(ownerKeyFile), OwnerKeyVariable);
            var deviceSecret = ReadKey(parseResult.GetValue(deviceKeyFile), DeviceKeyVariable);
            if (ownerSecret is null || deviceSecret is null)
            {
                console.MarkupLine($"[red]error:[/] both keys are needed: --owner-key-file or ${OwnerKeyVariable}, and --device-key-file or ${DeviceKeyVariable} (32-byte hex).");
                return CliAction.UserError;
            }

            var chain = parseResult.GetValue(chainId);
            var request = new DeviceRegistrationRequest(
                Core.Ingest.DeviceKey.FromBytes(deviceSecret).Address, Core.Ingest.DeviceKey.FromBytes(ownerSecret).Address,
                parseResult.GetValue(kind)!, (long)Math.Round(parseResult.GetValue(lat) * 1e7), (long)Math.Round(parseResult.GetValue(lon) * 1e7),
                parseResult.GetValue(segment), parseResult.GetValue(nonce));
            request = request with
            {
                OwnerSignature = DeviceRegistrationService.Sign(request, chain, ownerSecret),
                DeviceSignature = DeviceRegistrationService.Sign(request, chain, deviceSecret),
            };

            var connectionString = parseResult.GetValue(storage)
                ?? (DevState.Load(DevPaths.ForRepository(RepositoryRoot.Find()).StateFile)?.Azurite ?? AzuriteEndpoints.Default).ConnectionString;
            var service = new DeviceRegistrationService(
                new DeviceRegistryStore(new TableServiceClient(connectionString)), new DeviceRegistryOptions { ChainId = chain }, TimeProvider.System);
            var result = await service.RegisterAsync(request, cancellationToken);
            console.Profile.Out.Writer.WriteLine(JsonSerializer.Serialize(result, DeviceJsonContext.Default.DeviceRegistrationResult));
            return result.Stored ? CliAction.Ok : CliAction.NotOk;
        });
        return command;
    }

    private static async Task<int> RegisterFileAsync(IAnsiConsole console, FileInfo path, string? storage, CancellationToken cancellationToken)
    {
        Simulate.RegistryFile registry;
        try
        {
            registry = Simulate.RegistryFileImport.Read(path.FullName);
        }
        catch (Exception exception) when (exception is IOException or InvalidDataException or UnauthorizedAccessException)
        {
            console.MarkupLineInterpolated($"[red]error:[/] {exception.Message}");
            return CliAction.UserError;
        }

        var connectionString = storage
            ?? (DevState.Load(DevPaths.ForRepository(RepositoryRoot.Find()).StateFile)?.Azurite ?? AzuriteEndpoints.Default).ConnectionString;
        var service = new DeviceRegistrationService(
            new DeviceRegistryStore(new TableServiceClient(connectionString)), new DeviceRegistryOptions { ChainId = registry.ChainId }, TimeProvider.System);
        var result = await Simulate.RegistryFileImport.RegisterAllAsync(registry, service, cancellationToken);
        console.Profile.Out.Writer.WriteLine(JsonSerializer.Serialize(result, Simulate.SimulateJsonContext.Default.RegistryImportResult));
        return result.Refused.Count == 0 ? CliAction.Ok : CliAction.NotOk;
    }

    private static byte[]? ReadKey(FileInfo? file, string variable)
    {
        var text = file is not null ? File.ReadAllText(file.FullName) : Environment.GetEnvironmentVariable(variable);
        text = text?.Trim();
        if (text is null)
        {
            return null;
        }

        text = text.StartsWith("0x", StringComparison.OrdinalIgnoreCase) ? text[2..] : text;
        return text.Length == 64 && text.All(char.IsAsciiHexDigit) ? Convert.FromHexString(text) : null;
    }
}
