namespace CityFn.LocalDev;

/// <summary>
/// A local dependency is missing, not running or failed to start. The message says what is wrong
/// and <see cref="Remedy"/> says what to do; the CLI prints both instead of a stack trace.
/// </summary>
public sealed class DependencyUnavailableException : Exception
{
    public DependencyUnavailableException(string message, string remedy, Exception? innerException = null)
        : base(message, innerException)
    {
        Remedy = remedy;
    }

    public DependencyUnavailableException()
        : this("A local dependency is unavailable.", "Start it with `cityfn dev up`.")
    {
    }

    public DependencyUnavailableException(string message)
        : this(message, "Start it with `cityfn dev up`.")
    {
    }

    public DependencyUnavailableException(string message, Exception innerException)
        : this(message, "Start it with `cityfn dev up`.", innerException)
    {
    }

    /// <summary>What the user should do about it, in one sentence.</summary>
    public string Remedy { get; }
}
