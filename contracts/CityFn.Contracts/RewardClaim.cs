using System.Numerics;

namespace CityFn.Contracts;

/// <summary>
/// What an account presents to claim: its cumulative amount in the tree of <paramref name="Epoch"/>
/// and the Merkle proof of that leaf (32-byte sibling hashes, leaf to root).
/// </summary>
public sealed record RewardClaim(string Account, BigInteger CumulativeAmount, BigInteger Epoch, IReadOnlyList<byte[]> Proof)
{
    /// <summary>Throws a clear error for malformed input before it costs a round trip to the node.</summary>
    public void Validate()
    {
        if (!Nethereum.Util.AddressUtil.Current.IsValidEthereumAddressHexFormat(Account))
        {
            throw new ArgumentException($"Claim account '{Account}' is not a 0x-prefixed 20-byte address.", nameof(Account));
        }

        if (CumulativeAmount <= 0 || Epoch <= 0)
        {
            throw new ArgumentOutOfRangeException(nameof(CumulativeAmount), $"Claim of {Account}: amount ({CumulativeAmount}) and epoch ({Epoch}) must be positive.");
        }

        for (var i = 0; i < Proof.Count; i++)
        {
            if (Proof[i] is not { Length: 32 })
            {
                throw new ArgumentException($"Claim of {Account}: proof element {i} is not 32 bytes.", nameof(Proof));
            }
        }
    }
}
