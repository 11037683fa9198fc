using System.Diagnostics.CodeAnalysis;
using Nethereum.ABI.FunctionEncoding;
using Nethereum.Contracts;
using Nethereum.JsonRpc.Client;
using Newtonsoft.Json.Linq;

namespace CityFn.Contracts;

/// <summary>Finds the revert data in the exceptions Nethereum throws for a reverted eth_call / eth_estimateGas.</summary>
internal static class RevertData
{
    public static bool TryExtract(Exception exception, [NotNullWhen(true)] out string? data)
    {
        data = exception switch
        {
            // Nethereum recognised a custom error (a 4-byte selector that is not Error(string)).
            SmartContractCustomErrorRevertException custom => custom.ExceptionEncodedData,
            // Error(string) reverts, already decoded by Nethereum: keep the raw data when it has it.
            SmartContractRevertException revert => revert.EncodedData ?? "0x",
            RpcResponseException rpc => FromRpcError(rpc.RpcError),
            _ => null,
        };
        return data is not null;
    }

    // Nodes put revert data in error.data either as a hex string (geth, Hardhat for eth_call)
    // or nested as { data: "0x…" } (older Hardhat/Ganache).
    private static string? FromRpcError(RpcError? error) => error?.Data switch
    {
        string hex when hex.StartsWith("0x", StringComparison.Ordinal) => hex,
        JValue { Value: string hex } when hex.StartsWith("0x", StringComparison.Ordinal) => hex,
        JObject nested => nested["data"]?.Value<string>() is { } hex && hex.StartsWith("0x", StringComparison.Ordinal) ? hex : null,
        _ => null,
    };
}
