using System.Security.Cryptography;

namespace CityFn.Core.Scoring.Verification;

/// <summary>
/// Picks the jobs that are spot-checked: each with probability <see cref="ScoringOptions.VerificationFraction"/>,
/// from a cryptographic random source, so a host cannot tell from a request whether it will be checked.
/// </summary>
public sealed class VerificationSampler(ScoringOptions options)
{
    public bool ShouldVerify() =>
        options.VerificationFraction >= 1 || (options.VerificationFraction > 0 && RandomNumberGenerator.GetInt32(1_000_000) < options.VerificationFraction * 1_000_000);
}
