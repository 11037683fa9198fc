namespace CityFn.LocalDev;

/// <summary>Finds the CityFn checkout that holds package.json and the pinned node tools.</summary>
public static class RepositoryRoot
{
    /// <summary>Environment variable that overrides the search, for installed CLIs run outside a checkout.</summary>
    public const string EnvironmentVariable = "CITYFN_ROOT";

    private const string Marker = "CityFn.sln";

    /// <summary>The root above the current directory or, failing that, above this assembly.</summary>
    public static string Find()
    {
        var fromEnvironment = Environment.GetEnvironmentVariable(EnvironmentVariable);
        if (!string.IsNullOrWhiteSpace(fromEnvironment))
        {
            return File.Exists(Path.Combine(fromEnvironment, Marker))
                ? Path.GetFullPath(fromEnvironment)
                : throw new DependencyUnavailableException(
                    $"{EnvironmentVariable}={fromEnvironment} does not contain {Marker}.",
                    $"Point {EnvironmentVariable} at a CityFn checkout or unset it.");
        }

        return FindAbove(Directory.GetCurrentDirectory())
            ?? FindAbove(AppContext.BaseDirectory)
            ?? throw new DependencyUnavailableException(
                $"No CityFn checkout ({Marker}) was found above {Directory.GetCurrentDirectory()}.",
                $"Run the command inside the repository or set {EnvironmentVariable}.");
    }

    private static string? FindAbove(string start)
    {
        for (var directory = new DirectoryInfo(start); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, Marker)))
            {
                return directory.FullName;
            }
        }

        return null;
    }
}
