using CityFn.LocalDev;

namespace CityFn.Cli.Rewards;

/// <summary>Opens a file the user named, turning "not there" and "not readable" into a message and a fix.</summary>
internal static class InputFile
{
    public static FileStream Open(string path, string what)
    {
        try
        {
            return File.OpenRead(path);
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException or ArgumentException)
        {
            throw new DependencyUnavailableException($"Cannot read the {what} {path}: {exception.Message}", $"Check the path of the {what} and that it is readable.");
        }
    }
}
