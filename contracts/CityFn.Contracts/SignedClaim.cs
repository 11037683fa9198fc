using System.Numerics;

namespace CityFn.Contracts;

/// <summary>A claim the account authorised (EIP-712) to be paid to <paramref name="Receiver"/> by whoever submits it before <paramref name="Deadline"/>.</summary>
public sealed record SignedClaim(RewardClaim Claim, string Receiver, BigInteger Deadline, byte[] Signature);
