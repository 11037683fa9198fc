using System.Text.Json;
using CityFn.Core.Ethereum;
using CityFn.Core.Merkle;
using CityFn.LocalDev;

namespace CityFn.Cli.Rewards;

/// <summary>Reads a values file: a JSON array of <c>[address, amount]</c>, amount in base units as a decimal string or a number.</summary>
public static class RewardValuesFile
{
    public static async Task<List<RewardLeaf>> ReadAsync(string path, CancellationToken cancellationToken = default)
    {
        await using var stream = InputFile.Open(path, "values file");
        JsonDocument document;
        try
        {
            document = await JsonDocument.ParseAsync(stream, cancellationToken: cancellationToken);
        }
        catch (JsonException exception)
        {
            throw Unusable(path, $"it is not valid JSON ({exception.Message})");
        }

        using (document)
        {
            if (document.RootElement.ValueKind != JsonValueKind.Array || document.RootElement.GetArrayLength() == 0)
            {
                throw Unusable(path, "expected a non-empty JSON array of [address, amount] pairs");
            }

            var leaves = new List<RewardLeaf>(document.RootElement.GetArrayLength());
            foreach (var pair in document.RootElement.EnumerateArray())
            {
                var index = leaves.Count;
                if (pair.ValueKind != JsonValueKind.Array || pair.GetArrayLength() != 2 || pair[0].ValueKind != JsonValueKind.String)
                {
                    throw Unusable(path, $"entry {index} is not an [address, amount] pair: {pair.GetRawText()}");
                }

                if (!EthAddress.TryParse(pair[0].GetString(), out var account, out var addressError))
                {
                    throw Unusable(path, $"entry {index}: {addressError}");
                }

                if (!StandardMerkleTree.TryReadAmount(pair[1], out var amount, out var amountError))
                {
                    throw Unusable(path, $"entry {index}: {amountError}");
                }

                leaves.Add(new RewardLeaf(account, amount));
            }

            return leaves;
        }
    }

    private static DependencyUnavailableException Unusable(string path, string reason) =>
        new($"{path}: {reason}.", "Write the values as [[\"0x…40 hex digits\", \"amount in base units\"], …] with amounts from 0 to 2^256-1.");
}
