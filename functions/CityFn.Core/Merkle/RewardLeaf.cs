using System.Numerics;
using CityFn.Core.Ethereum;

namespace CityFn.Core.Merkle;

/// <summary>One value of the rewards tree: an account and its cumulative amount in token base units.</summary>
public readonly record struct RewardLeaf(EthAddress Account, BigInteger Amount);
