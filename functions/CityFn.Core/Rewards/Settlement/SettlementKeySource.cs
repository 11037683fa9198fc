using Azure.Core;
using Azure.Identity;
using Azure.Security.KeyVault.Secrets;
using CityFn.Core.Storage;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;

namespace CityFn.Core.Rewards.Settlement;

/// <summary>Where the settlement (publisher) key comes from. The key is held in memory only and never logged.</summary>
public interface ISettlementKeySource
{
    /// <summary>The key as 0x + 64 hex digits.</summary>
    Task<string> GetPrivateKeyAsync(CancellationToken cancellationToken = default);
}

/// <summary>A key given directly (tests, the CLI's --key-file).</summary>
public sealed class FixedSettlementKey(string privateKey) : ISettlementKeySource
{
    private readonly string _key = SettlementKeys.Normalize(privateKey, "the given settlement key");

    public Task<string> GetPrivateKeyAsync(CancellationToken cancellationToken = default) => Task.FromResult(_key);
}

/// <summary>
/// In Azure (Chain__KeyVaultUri set): the Key Vault secret Chain__SettlementKeySecretName, read with the app's
/// managed identity (the user-assigned identity of AzureWebJobsStorage__clientId when set). Locally: the setting
/// Chain__SettlementKey (local.settings.json), else the environment variable CITYFN_SETTLEMENT_KEY, else the file
/// named by CITYFN_SETTLEMENT_KEY_FILE.
/// </summary>
public sealed class ConfiguredSettlementKeySource(IOptions<ChainOptions> options, IConfiguration configuration) : ISettlementKeySource
{
    public const string KeyVariable = "CITYFN_SETTLEMENT_KEY";
    public const string KeyFileVariable = "CITYFN_SETTLEMENT_KEY_FILE";

    public async Task<string> GetPrivateKeyAsync(CancellationToken cancellationToken = default)
    {
        var chain = options.Value;
        if (!string.IsNullOrWhiteSpace(chain.KeyVaultUri))
        {
            var clientId = configuration[$"{StorageConnection.SettingName}:clientId"];
            TokenCredential credential = string.IsNullOrWhiteSpace(clientId)
                ? new DefaultAzureCredential()
                : new ManagedIdentityCredential(ManagedIdentityId.FromUserAssignedClientId(clientId));
            var secrets = new SecretClient(new Uri(chain.KeyVaultUri), credential);
            var secret = await secrets.GetSecretAsync(chain.SettlementKeySecretName, cancellationToken: cancellationToken);
            return SettlementKeys.Normalize(secret.Value.Value, $"Key Vault secret '{chain.SettlementKeySecretName}'");
        }

        // local.settings.json as `cityfn dev up` writes it (the dev chain's funded key; never set in Azure).
        if (configuration["Chain:SettlementKey"] is { Length: > 0 } configured)
        {
            return SettlementKeys.Normalize(configured, "setting Chain__SettlementKey");
        }

        if (Environment.GetEnvironmentVariable(KeyVariable) is { Length: > 0 } key)
        {
            return SettlementKeys.Normalize(key, KeyVariable);
        }

        if (Environment.GetEnvironmentVariable(KeyFileVariable) is { Length: > 0 } file)
        {
            return SettlementKeys.Normalize(await File.ReadAllTextAsync(file, cancellationToken), $"key file {file}");
        }

        throw new InvalidOperationException(
            $"No settlement key: in Azure set Chain__KeyVaultUri and Chain__SettlementKeySecretName; locally set {KeyVariable} (0x hex) or {KeyFileVariable} (a file holding it).");
    }
}

public static class SettlementKeys
{
    /// <summary>0x + 64 lowercase hex digits, or an error naming where the key came from (never its value).</summary>
    public static string Normalize(string? key, string source)
    {
        var hex = key?.Trim() ?? "";
        if (hex.StartsWith("0x", StringComparison.OrdinalIgnoreCase))
        {
            hex = hex[2..];
        }

        if (hex.Length != 64 || !hex.All(char.IsAsciiHexDigit))
        {
            throw new InvalidOperationException($"The settlement key from {source} is not 32 bytes of hex (0x followed by 64 hex digits).");
        }

        return "0x" + hex.ToLowerInvariant();
    }
}
