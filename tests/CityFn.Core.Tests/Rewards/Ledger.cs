using System.Globalization;
using CityFn.Core.Ethereum;
using CityFn.Core.Rewards;
using Microsoft.Extensions.Options;

namespace CityFn.Core.Tests.Rewards;

/// <summary>Short builders for epoch ledgers in tests: addresses from small numbers, epoch 7.</summary>
internal static class Ledger
{
    public const long Epoch = 7;

    public static EthAddress Address(int number) =>
        EthAddress.Parse("0x" + number.ToString("x40", CultureInfo.InvariantCulture));

    public static DataContribution Device(int device, int owner, string cell, long accepted, long expected, decimal quality, long registered = 0) =>
        new(Epoch, Address(device), Address(owner), cell, accepted, expected, quality, registered);

    public static ComputeContribution Host(int host, int @operator, long rows, decimal weight = 1m, string model = "traffic-mlp") =>
        new(Epoch, Address(host), Address(@operator), model, rows, weight);

    public static EpochLedger Of(IEnumerable<DataContribution>? data = null, IEnumerable<ComputeContribution>? compute = null, IEnumerable<int>? quarantinedHosts = null) =>
        new(Epoch, [.. data ?? []], [.. compute ?? []], [.. (quarantinedHosts ?? []).Select(h => new HostQuarantine(Epoch, Address(h), "spot check mismatch"))]);

    public static RewardAllocator Allocator(int dataShareBasisPoints = 7_000, int maxPerCell = 3) =>
        new(Options.Create(new RewardsPolicyOptions { DataShareBasisPoints = dataShareBasisPoints, MaxEarningDevicesPerCell = maxPerCell }));
}
