namespace CityFn.Core.Network;

/// <summary>A road network file that cannot be used; <see cref="Problems"/> lists each reason.</summary>
public sealed class InvalidRoadNetworkException(string source, IReadOnlyList<string> problems)
    : Exception($"{source} is not a usable road network map: {string.Join(" ", problems.Take(10))}{(problems.Count > 10 ? $" (and {problems.Count - 10} more)" : "")}")
{
    public IReadOnlyList<string> Problems { get; } = problems;
}
