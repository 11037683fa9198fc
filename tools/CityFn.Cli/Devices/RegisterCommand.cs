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
/// </summary>
public static class RegisterCommand
{
    public const string OwnerKeyVariable = "CITYFN_OWNER_KEY";
    public const string DeviceKeyVariable = "CITYFN_DEVICE_KEY";

    public static Command Build(IAnsiConsole console)
    {
        var ownerKeyFile = new Option<FileInfo?>("--owner-key-file") { Description = $"File holding the owner's (payout wallet's) private key in hex. Default: ${OwnerKeyVariable}." };
        var deviceKeyFile = new Option<FileInfo?>("--device-key-file") { Description = $"File holding the device's private key in hex. Default: ${DeviceKeyVariable}." };
        var kind = new Option<string>("--kind") { Description = "traffic, air, noise or weather.", Required = true };
        var lat = new Option<double>("--lat") { Description = "Latitude in degrees.", Required = true };
        var lon = new Option<double>("--lon") { Description = "Longitude in degrees.", Required = true };
        var segment = new Option<string?>("--segment") { Description = "Road segment id (required for traffic detectors)." };
        var nonce = new Option<long>("--nonce") { Description = "Registration nonce; a higher one replaces the stored registration.", DefaultValueFactory = _ => 1 };
        var chainId = new Option<long>("--chain-id") { Description = "EIP-712 domain chain id.", DefaultValueFactory = _ => 31337 };
        var storage = new Option<string?>("--storage") { Description = "Storage connection string. Default: the Azurite that `cityfn dev up` runs." };
        var command = new Command("register", "Register a device to its owner's payout wallet (both sign EIP-712 typed data).")
        {
            ownerKeyFile, deviceKeyFile, kind, lat, lon, segment, nonce, chainId, storage,
        };

        CliAction.Set(command, console, async (parseResult, cancellationToken) =>
        {
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
