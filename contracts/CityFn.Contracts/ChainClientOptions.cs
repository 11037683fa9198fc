using System.ComponentModel.DataAnnotations;

namespace CityFn.Contracts;

/// <summary>How <see cref="ChainClient"/> sends transactions and decides they are final.</summary>
public sealed class ChainClientOptions
{
    /// <summary>Blocks that must contain or follow a transaction before it counts as confirmed (1 = mined).</summary>
    [Range(1, 1000)]
    public int Confirmations { get; set; } = 1;

    /// <summary>Extra gas on top of eth_estimateGas, in percent: estimates can be short when state moves.</summary>
    [Range(0, 500)]
    public int GasMarginPercent { get; set; } = 20;

    /// <summary>How often to ask the node for the receipt and the latest block.</summary>
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromMilliseconds(100);

    /// <summary>How long to wait for a transaction to reach <see cref="Confirmations"/> before giving up.</summary>
    public TimeSpan ConfirmationTimeout { get; set; } = TimeSpan.FromMinutes(5);
}
