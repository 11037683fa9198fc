using System.CommandLine;
using System.Globalization;
using System.Net.Http.Json;
using System.Numerics;
using System.Text.Json;
using CityFn.Contracts;
using CityFn.Core.Ethereum;
using CityFn.Core.Rewards.Settlement;
using CityFn.LocalDev;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Nethereum.Signer;
using Spectre.Console;

namespace CityFn.Cli.Rewards;

/// <summary>
/// <c>cityfn claim</c>: fetches the account's proof (from GET /api/rewards/{address} with --api, else from the
/// stored trees directly), claims on-chain and prints the balance change.
/// </summary>
public static class ClaimCommand
{
    public static Command Build(IAnsiConsole console)
    {
        var environment = new RewardsEnvironment();
        var keyFile = new Option<FileInfo>("--key-file") { Description = "The contributor's (payout wallet's) private key file. Never printed.", Required = true };
        var receiver = new Option<string?>("--receiver") { Description = "Pay another address: the account signs an EIP-712 claimFor authorisation." };
        var gasKeyFile = new Option<FileInfo?>("--gas-key-file") { Description = "Key that sends the transaction and pays its gas. Default: the account's own key." };
        var api = new Option<Uri?>("--api") { Description = "Functions app base URL (e.g. http://localhost:7071) to fetch the proof from. Default: read the stored trees." };
        var command = new Command("claim", "Claim everything the account has earned and not yet claimed, with the proof of the latest settled epoch.")
        {
            keyFile, receiver, gasKeyFile, api,
        };
        environment.AddTo(command);

        CliAction.Set(command, console, async (parseResult, cancellationToken) =>
        {
            var accountKeyHex = RewardsEnvironment.ReadKeyFile(parseResult.GetValue(keyFile)!);
            var accountKey = new EthECKey(accountKeyHex);
            var account = EthAddress.Parse(accountKey.GetPublicAddress());
            var payTo = parseResult.GetValue(receiver);
            if (payTo is not null && !EthAddress.TryParse(payTo, out _, out var receiverError))
            {
                console.MarkupLineInterpolated($"[red]error:[/] --receiver: {receiverError}");
                return CliAction.UserError;
            }

            await using var services = environment.Build(parseResult);
            var rewards = parseResult.GetValue(api) is { } baseUrl
                ? await FromApiAsync(baseUrl, account, cancellationToken)
                : await services.GetRequiredService<ContributorRewardsService>().GetAsync(account, cancellationToken);
            if (rewards.LatestEpoch is not { } epoch || BigInteger.Parse(rewards.Claimable, CultureInfo.InvariantCulture).IsZero)
            {
                console.MarkupLineInterpolated($"nothing to claim for {account}: cumulative {rewards.Cumulative}, already claimed {rewards.ClaimedOnChain} (latest settled epoch {rewards.LatestEpoch?.ToString(CultureInfo.InvariantCulture) ?? "none"})");
                return CliAction.NotOk;
            }

            var chain = services.GetRequiredService<IOptions<ChainOptions>>().Value;
            var senderKey = parseResult.GetValue(gasKeyFile) is { } gasFile ? RewardsEnvironment.ReadKeyFile(gasFile) : accountKeyHex;
            using var client = new ChainClient(chain.RpcUrl, senderKey, chain.ChainId, chain.ClientOptions());
            var reader = await services.GetRequiredService<SettlementChain>().ReaderAsync(cancellationToken);
            var distributor = new RewardDistributorService(client, reader.Contracts);
            var claim = new RewardClaim(
                account.ToChecksumString(), BigInteger.Parse(rewards.Cumulative, CultureInfo.InvariantCulture), epoch,
                [.. rewards.Proof.Select(node => Convert.FromHexString(node.AsSpan(2)))]);
            var paid = payTo ?? account.ToChecksumString();
            var before = await distributor.GetTokenBalanceAsync(paid, cancellationToken);
            try
            {
                var receipt = payTo is null
                    ? await distributor.ClaimAsync(claim, cancellationToken)
                    : await distributor.ClaimForAsync(
                        await distributor.SignClaimAsync(claim, accountKey, payTo, await client.GetLatestBlockTimestampAsync(cancellationToken) + 3_600, cancellationToken),
                        cancellationToken);
                var after = await distributor.GetTokenBalanceAsync(paid, cancellationToken);
                console.Profile.Out.Writer.WriteLine(JsonSerializer.Serialize(new Dictionary<string, string>
                {
                    ["account"] = account.ToChecksumString(),
                    ["receiver"] = paid,
                    ["epoch"] = epoch.ToString(CultureInfo.InvariantCulture),
                    ["cumulative"] = rewards.Cumulative,
                    ["paid"] = (after - before).ToString(CultureInfo.InvariantCulture),
                    ["balanceBefore"] = before.ToString(CultureInfo.InvariantCulture),
                    ["balanceAfter"] = after.ToString(CultureInfo.InvariantCulture),
                    ["transaction"] = receipt.TransactionHash,
                    ["gasUsed"] = receipt.GasUsed.Value.ToString(CultureInfo.InvariantCulture),
                }, ClaimJsonContext.Default.DictionaryStringString));
                return CliAction.Ok;
            }
            catch (ContractRevertedException exception)
            {
                console.MarkupLineInterpolated($"[red]error:[/] {exception.Message}");
                return CliAction.NotOk;
            }
        });
        return command;
    }

    private static async Task<ContributorRewards> FromApiAsync(Uri baseUrl, EthAddress account, CancellationToken cancellationToken)
    {
        using var http = new HttpClient { BaseAddress = baseUrl };
        try
        {
            return await http.GetFromJsonAsync($"api/rewards/{account.ToLowerHex()}", ContributorRewardsJsonContext.Default.ContributorRewards, cancellationToken)
                ?? throw new DependencyUnavailableException($"{baseUrl} answered an empty body for the rewards of {account}.", "Check --api points at the CityFn Functions app.");
        }
        catch (HttpRequestException exception)
        {
            throw new DependencyUnavailableException($"Cannot get the rewards of {account} from {baseUrl}: {exception.Message}", "Start the Functions app (`func start`) or leave out --api to read the stored trees.", exception);
        }
    }
}

[System.Text.Json.Serialization.JsonSerializable(typeof(Dictionary<string, string>))]
internal sealed partial class ClaimJsonContext : System.Text.Json.Serialization.JsonSerializerContext;
