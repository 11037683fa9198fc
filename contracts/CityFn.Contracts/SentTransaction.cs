using System.Numerics;

namespace CityFn.Contracts;

/// <summary>A transaction the node accepted into its pool: not yet mined or confirmed.</summary>
public sealed record SentTransaction(string Hash, BigInteger Nonce);
