using System.Numerics;
using CityFn.Core.Ethereum;
using Microsoft.Extensions.Options;

namespace CityFn.Core.Rewards;

/// <summary>
/// Turns an epoch ledger and a pool into exact integer payouts (docs/rewards.md). Deterministic: every
/// tie is broken by a key of the records, never by input order, so anyone recomputing an epoch from the
/// same ledger gets the same amounts and the same Merkle root.
/// </summary>
public sealed class RewardAllocator(IOptions<RewardsPolicyOptions> options)
{
    private const int BasisPoints = 10_000;

    private readonly RewardsPolicyOptions _policy = options.Value;

    public EpochAllocation Allocate(EpochLedger ledger, BigInteger pool)
    {
        ArgumentNullException.ThrowIfNull(ledger);
        Uint256.EnsureInRange(pool, nameof(pool));
        Validate(ledger);

        var devices = RankDevices(ledger.Data);
        var hosts = ScoreHosts(ledger);
        var earning = devices.Where(d => d.Outcome == DeviceOutcome.Earned).ToList();
        var paidHosts = hosts.Where(h => h.Score > 0).ToList();

        // Split the pool; a side with nobody to pay passes its part to the other side, and only an epoch
        // where nobody earned leaves the pool unallocated (the caller may add it to the next epoch's pool).
        var dataPool = pool * _policy.DataShareBasisPoints / BasisPoints;
        var computePool = pool - dataPool;
        var unallocated = BigInteger.Zero;
        if (earning.Count == 0 && paidHosts.Count == 0)
        {
            (dataPool, computePool, unallocated) = (0, 0, pool);
        }
        else if (earning.Count == 0)
        {
            (dataPool, computePool) = (0, pool);
        }
        else if (paidHosts.Count == 0)
        {
            (dataPool, computePool) = (pool, 0);
        }

        var deviceAmounts = LargestRemainder.Split(dataPool, [.. earning.Select(d => (d.Device, d.Score))]);
        var deviceRewards = devices.ToDictionary(d => d.Device);
        for (var i = 0; i < earning.Count; i++)
        {
            deviceRewards[earning[i].Device] = earning[i] with { Amount = deviceAmounts[i] };
        }

        var hostAmounts = LargestRemainder.Split(computePool, [.. paidHosts.Select(h => (h.Host, h.Score))]);
        var hostRewards = hosts.ToDictionary(h => h.Host);
        for (var i = 0; i < paidHosts.Count; i++)
        {
            hostRewards[paidHosts[i].Host] = paidHosts[i] with { Amount = hostAmounts[i] };
        }

        var deviceList = deviceRewards.Values.OrderBy(d => d.Device).ToList();
        var hostList = hostRewards.Values.OrderBy(h => h.Host).ToList();
        return new EpochAllocation(ledger.Epoch, pool, dataPool, computePool, unallocated, deviceList, hostList, Payouts(deviceList, hostList));
    }

    // Per cell: devices with a score compete, best score first, then earliest registration, then address.
    private List<DeviceReward> RankDevices(IReadOnlyList<DataContribution> data)
    {
        var ranked = new List<DeviceReward>(data.Count);
        foreach (var cell in data.GroupBy(d => d.CellId, StringComparer.Ordinal))
        {
            var scored = cell
                .Select(d => (Contribution: d, Score: RewardScore.Device(d.AcceptedSamples, d.ExpectedSamples, d.Quality)))
                .OrderByDescending(d => d.Score)
                .ThenBy(d => d.Contribution.RegistrationSequence)
                .ThenBy(d => d.Contribution.Device);
            var place = 0;
            foreach (var (contribution, score) in scored)
            {
                var outcome = score.IsZero ? DeviceOutcome.NoScore
                    : place++ < _policy.MaxEarningDevicesPerCell ? DeviceOutcome.Earned
                    : DeviceOutcome.CellCapReached;
                ranked.Add(new DeviceReward(contribution.Device, contribution.Owner, contribution.CellId, score, outcome, BigInteger.Zero));
            }
        }

        return ranked;
    }

    // A host's score is the sum over its models; a quarantined host scores 0 for the epoch.
    private static List<HostReward> ScoreHosts(EpochLedger ledger)
    {
        var quarantined = ledger.Quarantines.Select(q => q.Host).ToHashSet();
        return [.. ledger.Compute
            .GroupBy(c => c.Host)
            .Select(host =>
            {
                var isQuarantined = quarantined.Contains(host.Key);
                var score = isQuarantined
                    ? BigInteger.Zero
                    : host.Aggregate(BigInteger.Zero, (sum, c) => sum + RewardScore.Host(c.VerifiedRows, c.ModelCostWeight));
                return new HostReward(host.Key, host.First().Operator, score, isQuarantined, BigInteger.Zero);
            })];
    }

    private static List<Payout> Payouts(IReadOnlyList<DeviceReward> devices, IReadOnlyList<HostReward> hosts)
    {
        var byAccount = new SortedDictionary<EthAddress, (BigInteger Data, BigInteger Compute)>();
        foreach (var device in devices.Where(d => d.Amount > 0))
        {
            var current = byAccount.GetValueOrDefault(device.Owner);
            byAccount[device.Owner] = (current.Data + device.Amount, current.Compute);
        }

        foreach (var host in hosts.Where(h => h.Amount > 0))
        {
            var current = byAccount.GetValueOrDefault(host.Operator);
            byAccount[host.Operator] = (current.Data, current.Compute + host.Amount);
        }

        return [.. byAccount.Select(entry => new Payout(entry.Key, entry.Value.Data, entry.Value.Compute))];
    }

    private static void Validate(EpochLedger ledger)
    {
        var devices = new HashSet<EthAddress>();
        foreach (var data in ledger.Data)
        {
            Require(data.Epoch == ledger.Epoch, $"device {data.Device} has a record for epoch {data.Epoch} in the ledger of epoch {ledger.Epoch}");
            Require(devices.Add(data.Device), $"device {data.Device} appears twice in epoch {ledger.Epoch}");
            Require(data.AcceptedSamples >= 0 && data.ExpectedSamples >= 0, $"device {data.Device} has negative sample counts");
            Require(data.Quality is >= 0m and <= 1m, $"device {data.Device} has quality {data.Quality}, outside [0, 1]");
            Require(data.CellId is not null, $"device {data.Device} has no cell id");
        }

        var hostModels = new HashSet<(EthAddress, string)>();
        var operators = new Dictionary<EthAddress, EthAddress>();
        foreach (var compute in ledger.Compute)
        {
            Require(compute.Epoch == ledger.Epoch, $"host {compute.Host} has a record for epoch {compute.Epoch} in the ledger of epoch {ledger.Epoch}");
            Require(hostModels.Add((compute.Host, compute.Model)), $"host {compute.Host} has two records for model '{compute.Model}' in epoch {ledger.Epoch}");
            Require(operators.TryAdd(compute.Host, compute.Operator) || operators[compute.Host] == compute.Operator, $"host {compute.Host} is paid to two operators in epoch {ledger.Epoch}");
            Require(compute.VerifiedRows >= 0 && compute.ModelCostWeight >= 0, $"host {compute.Host} has negative rows or cost weight");
        }

        foreach (var quarantine in ledger.Quarantines)
        {
            Require(quarantine.Epoch == ledger.Epoch, $"host {quarantine.Host} has a quarantine for epoch {quarantine.Epoch} in the ledger of epoch {ledger.Epoch}");
        }
    }

    private static void Require(bool condition, string problem)
    {
        if (!condition)
        {
            throw new ArgumentException($"The epoch ledger is inconsistent: {problem}.");
        }
    }
}
