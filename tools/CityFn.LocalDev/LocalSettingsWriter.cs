using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace CityFn.LocalDev;

/// <summary>
/// Writes the Functions app's local.settings.json from local.settings.sample.json, pointed at the
/// running Azurite and chain. The file is git-ignored: it holds the local settlement key.
/// </summary>
public static class LocalSettingsWriter
{
    public static void Write(DevPaths paths, DevState state)
    {
        if (!File.Exists(paths.LocalSettingsSample))
        {
            throw new DependencyUnavailableException(
                $"{paths.LocalSettingsSample} is missing.", "Restore it from git: `git checkout -- local.settings.sample.json`.");
        }

        var settings = JsonNode.Parse(File.ReadAllText(paths.LocalSettingsSample))?.AsObject()
            ?? throw new InvalidDataException($"{paths.LocalSettingsSample} is not a JSON object.");
        var values = settings["Values"]?.AsObject()
            ?? throw new InvalidDataException($"{paths.LocalSettingsSample} has no \"Values\" object.");

        values["AzureWebJobsStorage"] = state.Azurite.FunctionsStorageSetting;
        values["Chain__RpcUrl"] = state.Chain.RpcUrl;
        values["Chain__ChainId"] = state.Chain.ChainId.ToString(CultureInfo.InvariantCulture);
        values["Chain__SettlementKey"] = state.FundedKeys[0];

        Directory.CreateDirectory(Path.GetDirectoryName(paths.LocalSettingsFile)!);
        File.WriteAllText(paths.LocalSettingsFile, settings.ToJsonString(new JsonSerializerOptions { WriteIndented = true }) + Environment.NewLine);
    }
}
