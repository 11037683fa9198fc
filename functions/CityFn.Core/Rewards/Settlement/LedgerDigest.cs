using System.Globalization;
using System.Text;
using CityFn.Core.Ethereum;

namespace CityFn.Core.Rewards.Settlement;

/// <summary>
/// keccak256 of a canonical text of an epoch ledger, one line per record, sorted, LF-terminated:
/// <c>epoch {N}</c>; <c>data {device} {owner} {cell} {accepted} {expected} {quality×10^18} {registrationSequence}</c> by device;
/// <c>compute {host} {operator} {model} {rows} {weight×10^18}</c> by host then model; <c>quarantine {host} {reason}</c> by host.
/// Addresses 0x-lowercase, numbers in decimal. Anyone can rebuild the text from the report and check the digest.
/// </summary>
public static class LedgerDigest
{
    public static string Of(EpochLedger ledger)
    {
        ArgumentNullException.ThrowIfNull(ledger);
        var hasher = new Keccak256();
        Line(hasher, $"epoch {ledger.Epoch}");
        foreach (var d in ledger.Data.OrderBy(d => d.Device))
        {
            Line(hasher, $"data {d.Device.ToLowerHex()} {d.Owner.ToLowerHex()} {d.CellId} {d.AcceptedSamples} {d.ExpectedSamples} {RewardScore.ToFixedPoint(d.Quality)} {d.RegistrationSequence}");
        }

        foreach (var c in ledger.Compute.OrderBy(c => c.Host).ThenBy(c => c.Model, StringComparer.Ordinal))
        {
            Line(hasher, $"compute {c.Host.ToLowerHex()} {c.Operator.ToLowerHex()} {c.Model} {c.VerifiedRows} {RewardScore.ToFixedPoint(c.ModelCostWeight)}");
        }

        foreach (var q in ledger.Quarantines.OrderBy(q => q.Host))
        {
            Line(hasher, $"quarantine {q.Host.ToLowerHex()} {q.Reason}");
        }

        return "0x" + Convert.ToHexStringLower(hasher.Finish());
    }

    private static void Line(Keccak256 hasher, FormattableString line) =>
        hasher.Append(Encoding.UTF8.GetBytes(line.ToString(CultureInfo.InvariantCulture) + "\n"));
}
