using System.Globalization;
using System.Net.Http.Json;
using System.Text.Json;

namespace CityFn.LocalDev;

/// <summary>Where a local EVM chain answers JSON-RPC.</summary>
public sealed record ChainEndpoint(int Port, long ChainId)
{
    /// <summary>Hardhat's chain id, and the port wallets and tools expect.</summary>
    public static ChainEndpoint Default { get; } = new(8545, 31337);

    public string RpcUrl => string.Create(CultureInfo.InvariantCulture, $"http://127.0.0.1:{Port}");

    /// <summary>The chain id the node reports through eth_chainId, or null when it does not answer.</summary>
    public async Task<long?> TryGetChainIdAsync(HttpClient http, CancellationToken cancellationToken = default)
    {
        try
        {
            using var response = await http.PostAsJsonAsync(
                RpcUrl, new { jsonrpc = "2.0", id = 1, method = "eth_chainId", @params = Array.Empty<object>() }, cancellationToken);
            if (!response.IsSuccessStatusCode)
            {
                return null;
            }

            using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync(cancellationToken));
            return body.RootElement.TryGetProperty("result", out var result)
                ? Convert.ToInt64(result.GetString(), 16)
                : null;
        }
        catch (Exception exception) when (exception is HttpRequestException or JsonException or FormatException or TaskCanceledException)
        {
            cancellationToken.ThrowIfCancellationRequested();
            return null;
        }
    }
}
