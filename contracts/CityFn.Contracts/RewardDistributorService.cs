using System.Numerics;
using CityFn.Contracts.CityRewardToken;
using CityFn.Contracts.RewardDistributor;
using Nethereum.RPC.Eth.DTOs;
using Nethereum.Signer;

namespace CityFn.Contracts;

/// <summary>
/// The reward contracts as CityFn uses them: deploy, publish an epoch root, claim (directly or with
/// the account's signature), and read what was published and claimed. Every send goes through
/// <see cref="ChainClient"/> (serialised, estimated with margin, confirmed, reverts decoded).
/// </summary>
public sealed class RewardDistributorService(ChainClient client, RewardContracts contracts)
{
    public RewardContracts Contracts { get; } = contracts;

    /// <summary>
    /// Deploys the token and the distributor and makes the distributor the token's only minter. The
    /// client's key deploys and stays token admin only when it is <see cref="RewardDeploymentSettings.Admin"/>.
    /// </summary>
    public static async Task<RewardDistributorService> DeployAsync(
        ChainClient client, RewardDeploymentSettings settings, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(client);
        ArgumentNullException.ThrowIfNull(settings);

        var token = await client.DeployAsync(
            new CityRewardTokenDeployment { Name = settings.TokenName, Symbol = settings.TokenSymbol, Admin = client.Address },
            cancellationToken);
        var distributor = await client.DeployAsync(
            new RewardDistributorDeployment
            {
                Token = token.ContractAddress,
                Admin = settings.Admin,
                Publisher = settings.Publisher,
                Guardian = settings.Guardian,
                FirstEpoch = settings.FirstEpoch,
                EpochCap = settings.EpochCap,
            },
            cancellationToken);
        var contracts = new RewardContracts(token.ContractAddress, distributor.ContractAddress);

        await client.SendAsync(
            contracts.TokenAddress,
            new GrantRoleFunction { Role = CityRewardTokenRoles.Minter, Account = contracts.DistributorAddress },
            cancellationToken);
        if (!string.Equals(settings.Admin, client.Address, StringComparison.OrdinalIgnoreCase))
        {
            await client.SendAsync(
                contracts.TokenAddress,
                new GrantRoleFunction { Role = RewardDistributorRoles.Admin, Account = settings.Admin },
                cancellationToken);
            await client.SendAsync(
                contracts.TokenAddress,
                new RenounceRoleFunction { Role = RewardDistributorRoles.Admin, CallerConfirmation = client.Address },
                cancellationToken);
        }

        return new RewardDistributorService(client, contracts);
    }

    /// <summary>Publishes the cumulative root of <paramref name="epoch"/> and mints <paramref name="epochTotal"/> to pay it.</summary>
    public Task<TransactionReceipt> PublishRootAsync(BigInteger epoch, byte[] root, BigInteger epochTotal, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(root);
        if (root.Length != 32)
        {
            throw new ArgumentException($"A Merkle root is 32 bytes, not {root.Length}.", nameof(root));
        }

        return client.SendAsync(
            Contracts.DistributorAddress,
            new PublishRootFunction { Epoch = epoch, Root = root, EpochTotal = epochTotal },
            cancellationToken);
    }

    /// <summary>
    /// Publishes like <see cref="PublishRootAsync(BigInteger, byte[], BigInteger, CancellationToken)"/>; <paramref name="onSent"/>
    /// runs with the transaction hash before the wait for confirmations (to persist it first).
    /// </summary>
    public Task<TransactionReceipt> PublishRootAsync(
        BigInteger epoch, byte[] root, BigInteger epochTotal, Func<SentTransaction, CancellationToken, Task> onSent, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(root);
        ArgumentNullException.ThrowIfNull(onSent);
        if (root.Length != 32)
        {
            throw new ArgumentException($"A Merkle root is 32 bytes, not {root.Length}.", nameof(root));
        }

        return client.SendAsync(
            Contracts.DistributorAddress,
            new PublishRootFunction { Epoch = epoch, Root = root, EpochTotal = epochTotal },
            onSent,
            cancellationToken);
    }

    /// <summary>The hash of the transaction that published <paramref name="epoch"/>'s root (from its RootPublished event), or null.</summary>
    public async Task<string?> FindRootPublishedTransactionAsync(BigInteger epoch, CancellationToken cancellationToken = default)
    {
        var rootPublished = client.Web3.Eth.GetEvent<RootPublishedEventDTO>(Contracts.DistributorAddress);
        var filter = rootPublished.CreateFilterInput(epoch, BlockParameter.CreateEarliest(), BlockParameter.CreateLatest());
        var logs = await rootPublished.GetAllChangesAsync(filter).WaitAsync(cancellationToken);
        return logs.Count == 0 ? null : logs[0].Log.TransactionHash;
    }

    /// <summary>Pays the account what <paramref name="claim"/> proves it is still owed (sent by this client's key).</summary>
    public Task<TransactionReceipt> ClaimAsync(RewardClaim claim, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(claim);
        claim.Validate();
        return client.SendAsync(
            Contracts.DistributorAddress,
            new ClaimFunction
            {
                Account = claim.Account,
                CumulativeAmount = claim.CumulativeAmount,
                Epoch = claim.Epoch,
                Proof = [.. claim.Proof],
            },
            cancellationToken);
    }

    /// <summary>Submits a claim the account signed, paying its receiver.</summary>
    public Task<TransactionReceipt> ClaimForAsync(SignedClaim signed, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(signed);
        signed.Claim.Validate();
        return client.SendAsync(
            Contracts.DistributorAddress,
            new ClaimForFunction
            {
                Account = signed.Claim.Account,
                CumulativeAmount = signed.Claim.CumulativeAmount,
                Epoch = signed.Claim.Epoch,
                Proof = [.. signed.Claim.Proof],
                Receiver = signed.Receiver,
                Deadline = signed.Deadline,
                Signature = signed.Signature,
            },
            cancellationToken);
    }

    /// <summary>
    /// Signs <paramref name="claim"/> with the account's key for payment to <paramref name="receiver"/>,
    /// using the account's current nonce on this distributor and this client's chain id.
    /// </summary>
    public async Task<SignedClaim> SignClaimAsync(
        RewardClaim claim, EthECKey accountKey, string receiver, BigInteger deadline, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(claim);
        ArgumentNullException.ThrowIfNull(accountKey);
        if (!string.Equals(accountKey.GetPublicAddress(), claim.Account, StringComparison.OrdinalIgnoreCase))
        {
            throw new ArgumentException($"The key given is not the key of claim account {claim.Account}.", nameof(accountKey));
        }

        var nonce = await GetNonceAsync(claim.Account, cancellationToken);
        var authorization = new ClaimAuthorization
        {
            Account = claim.Account,
            CumulativeAmount = claim.CumulativeAmount,
            Epoch = claim.Epoch,
            Receiver = receiver,
            Nonce = nonce,
            Deadline = deadline,
        };
        var signature = ClaimSigner.Sign(authorization, client.ChainId, Contracts.DistributorAddress, accountKey);
        return new SignedClaim(claim, receiver, deadline, signature);
    }

    public Task<TransactionReceipt> SetEpochCapAsync(BigInteger newCap, CancellationToken cancellationToken = default) =>
        client.SendAsync(Contracts.DistributorAddress, new SetEpochCapFunction { NewCap = newCap }, cancellationToken);

    public Task<TransactionReceipt> PauseAsync(CancellationToken cancellationToken = default) =>
        client.SendAsync(Contracts.DistributorAddress, new PauseFunction(), cancellationToken);

    public Task<TransactionReceipt> UnpauseAsync(CancellationToken cancellationToken = default) =>
        client.SendAsync(Contracts.DistributorAddress, new UnpauseFunction(), cancellationToken);

    /// <summary>Cumulative amount already paid to <paramref name="account"/>.</summary>
    public Task<BigInteger> GetClaimedAsync(string account, CancellationToken cancellationToken = default) =>
        client.CallAsync<ClaimedFunction, BigInteger>(Contracts.DistributorAddress, new ClaimedFunction { Account = account }, cancellationToken);

    /// <summary>The root published for <paramref name="epoch"/>; 32 zero bytes when it was not published.</summary>
    public Task<byte[]> GetRootAsync(BigInteger epoch, CancellationToken cancellationToken = default) =>
        client.CallAsync<RootsFunction, byte[]>(Contracts.DistributorAddress, new RootsFunction { Epoch = epoch }, cancellationToken);

    /// <summary>The last published epoch (first epoch - 1 before any publish).</summary>
    public Task<BigInteger> GetCurrentEpochAsync(CancellationToken cancellationToken = default) =>
        client.CallAsync<CurrentEpochFunction, BigInteger>(Contracts.DistributorAddress, new CurrentEpochFunction(), cancellationToken);

    public Task<BigInteger> GetTotalPublishedAsync(CancellationToken cancellationToken = default) =>
        client.CallAsync<TotalPublishedFunction, BigInteger>(Contracts.DistributorAddress, new TotalPublishedFunction(), cancellationToken);

    public Task<BigInteger> GetEpochCapAsync(CancellationToken cancellationToken = default) =>
        client.CallAsync<EpochCapFunction, BigInteger>(Contracts.DistributorAddress, new EpochCapFunction(), cancellationToken);

    /// <summary>The nonce the account's next claimFor signature must carry.</summary>
    public Task<BigInteger> GetNonceAsync(string account, CancellationToken cancellationToken = default) =>
        client.CallAsync<NoncesFunction, BigInteger>(Contracts.DistributorAddress, new NoncesFunction { Owner = account }, cancellationToken);

    public Task<bool> IsPausedAsync(CancellationToken cancellationToken = default) =>
        client.CallAsync<PausedFunction, bool>(Contracts.DistributorAddress, new PausedFunction(), cancellationToken);

    /// <summary>Reward token balance of <paramref name="account"/>.</summary>
    public Task<BigInteger> GetTokenBalanceAsync(string account, CancellationToken cancellationToken = default) =>
        client.CallAsync<BalanceOfFunction, BigInteger>(Contracts.TokenAddress, new BalanceOfFunction { Account = account }, cancellationToken);
}
