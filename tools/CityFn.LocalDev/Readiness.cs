namespace CityFn.LocalDev;

/// <summary>Waits for a started server by polling a probe, never by sleeping a guessed time.</summary>
public static class Readiness
{
    private static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(100);

    /// <summary>
    /// Polls <paramref name="probe"/> until it returns true. Fails early when the process has exited,
    /// and after <paramref name="timeout"/>; both failures carry <paramref name="diagnostics"/>.
    /// </summary>
    public static async Task WaitAsync(
        string what,
        Func<CancellationToken, Task<bool>> probe,
        Func<bool> hasExited,
        Func<string> diagnostics,
        TimeSpan timeout,
        CancellationToken cancellationToken = default)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (await probe(cancellationToken))
            {
                return;
            }

            if (hasExited())
            {
                throw new DependencyUnavailableException(
                    $"{what} exited before it became ready. Its last output:{Environment.NewLine}{diagnostics()}",
                    "Read the output above; a port already in use is the usual cause.");
            }

            if (DateTime.UtcNow > deadline)
            {
                throw new DependencyUnavailableException(
                    $"{what} did not become ready within {timeout.TotalSeconds:0} s. Its last output:{Environment.NewLine}{diagnostics()}",
                    "Read the output above; on a slow machine try again.");
            }

            await Task.Delay(PollInterval, cancellationToken);
        }
    }
}
