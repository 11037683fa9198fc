using System.Numerics;
using Nethereum.ABI.FunctionEncoding.Attributes;

namespace CityFn.Contracts.RewardDistributor;

[Event("RootPublished")]
public sealed class RootPublishedEventDTO : IEventDTO
{
    [Parameter("uint256", "epoch", 1, true)]
    public BigInteger Epoch { get; set; }

    [Parameter("bytes32", "root", 2, false)]
    public byte[] Root { get; set; } = [];

    [Parameter("uint256", "epochTotal", 3, false)]
    public BigInteger EpochTotal { get; set; }

    [Parameter("uint256", "totalPublished", 4, false)]
    public BigInteger TotalPublished { get; set; }
}

[Event("Claimed")]
public sealed class ClaimedEventDTO : IEventDTO
{
    [Parameter("address", "account", 1, true)]
    public string Account { get; set; } = "";

    [Parameter("address", "receiver", 2, true)]
    public string Receiver { get; set; } = "";

    [Parameter("uint256", "epoch", 3, true)]
    public BigInteger Epoch { get; set; }

    [Parameter("uint256", "amount", 4, false)]
    public BigInteger Amount { get; set; }

    [Parameter("uint256", "cumulativeAmount", 5, false)]
    public BigInteger CumulativeAmount { get; set; }
}

[Event("EpochCapChanged")]
public sealed class EpochCapChangedEventDTO : IEventDTO
{
    [Parameter("uint256", "previousCap", 1, false)]
    public BigInteger PreviousCap { get; set; }

    [Parameter("uint256", "newCap", 2, false)]
    public BigInteger NewCap { get; set; }
}

[Event("Paused")]
public sealed class PausedEventDTO : IEventDTO
{
    [Parameter("address", "account", 1, false)]
    public string Account { get; set; } = "";
}

[Event("Unpaused")]
public sealed class UnpausedEventDTO : IEventDTO
{
    [Parameter("address", "account", 1, false)]
    public string Account { get; set; } = "";
}
