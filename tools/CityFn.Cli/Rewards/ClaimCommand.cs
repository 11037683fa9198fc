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
            if (rewards.LatestEpoch is null || BigInteger.Parse(rewards.Claimable, CultureInfo.InvariantCulture).IsZero)
            {
                console.MarkupLineInterpolated($"nothing to claim for {account}: cumulative {rewards.Cumulative}, already claimed {rewards.ClaimedOnChain} (latest settled epoch {rewards.LatestEpoch?.ToString(CultureInfo.InvariantCulture) ?? "none"})");
                return CliAction.NotOk;
            }

            var senderKey = parseResult.GetValue(gasKeyFile) is { } gasFile ? RewardsEnvironment.ReadKeyFile(gasFile) : accountKeyHex;
            try
            {
                var result = await RewardClaimer.ClaimAsync(services, rewards, accountKey, senderKey, payTo, cancellationToken);
                console.Profile.Out.Writer.WriteLine(JsonSerializer.Serialize(new Dictionary<string, string>
                {
                    ["account"] = result.Account,
                    ["receiver"] = result.Receiver,
                    ["epoch"] = result.Epoch.ToString(CultureInfo.InvariantCulture),
                    ["cumulative"] = result.Cumulative,
                    ["paid"] = result.Paid.ToString(CultureInfo.InvariantCulture),
                    ["balanceBefore"] = result.BalanceBefore.ToString(CultureInfo.InvariantCulture),
                    ["balanceAfter"] = result.BalanceAfter.ToString(CultureInfo.InvariantCulture),
                    ["transaction"] = result.TransactionHash,
                    ["gasUsed"] = result.GasUsed.ToString(CultureInfo.InvariantCulture),
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
