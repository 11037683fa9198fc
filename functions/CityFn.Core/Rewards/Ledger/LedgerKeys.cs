using System.Globalization;
using System.Text;
using CityFn.Core.Ethereum;

namespace CityFn.Core.Rewards.Ledger;

/// <summary>
/// Keys of table <c>ledger</c>: PartitionKey <c>epoch-{epoch:D10}</c>; RowKey <c>{kind}|{address}|…</c>.
/// A source id can hold characters a RowKey forbids (<c>/ \ # ?</c>, control characters), so the key
/// carries the lowercase hex of keccak256(UTF-8 source) instead, and the row keeps the source itself in
/// its <c>Source</c> property for audits.
/// </summary>
public static class LedgerKeys
{
    public const string TableName = "ledger";
    public const string Samples = "samples";
    public const string Quality = "quality";
    public const string Compute = "compute";
    public const string Quarantine = "quarantine";

    public static string Partition(long epoch)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(epoch);
        return "epoch-" + epoch.ToString("D10", CultureInfo.InvariantCulture);
    }

    /// <summary>The RowKey-safe form of a source id: 64 lowercase hex digits.</summary>
    public static string SourceKey(string source)
    {
        ArgumentException.ThrowIfNullOrEmpty(source);
        return Convert.ToHexStringLower(Keccak256.Hash(Encoding.UTF8.GetBytes(source)));
    }

    /// <summary>A model name goes into the key as it is, so it may not hold what a RowKey forbids or the separator.</summary>
    public static string ModelKey(string model)
    {
        ArgumentException.ThrowIfNullOrEmpty(model);
        if (model.Any(c => c is '/' or '\\' or '#' or '?' or '|' || char.IsControl(c)))
        {
            throw new ArgumentException($"Model name '{model}' contains a character not allowed in a ledger key (/ \\ # ? | or a control character).", nameof(model));
        }

        return model;
    }

    /// <summary>0x-lowercase form of an address, or an <see cref="ArgumentException"/> naming the field.</summary>
    public static string Address(string value, string what) =>
        EthAddress.TryParse(value, out var address, out var error)
            ? address.ToLowerHex()
            : throw new ArgumentException($"Ledger {what}: {error}", what);
}
