using CityFn.Core.EdgeHosts;

namespace CityFn.Edge;

/// <summary>Loads the operator key from its file, creating the file (mode 600) with a new key when it is missing.</summary>
public static partial class OperatorKeyFile
{
    public static OperatorKey LoadOrCreate(string? path, ILogger logger)
    {
        ArgumentNullException.ThrowIfNull(logger);
        if (string.IsNullOrWhiteSpace(path))
        {
            var ephemeral = OperatorKey.Generate();
            LogEphemeral(logger, ephemeral.Address);
            return ephemeral;
        }

        if (File.Exists(path))
        {
            OperatorKey key;
            try
            {
                key = OperatorKey.FromHex(File.ReadAllText(path));
            }
            catch (FormatException exception)
            {
                throw new InvalidDataException($"The key file {path} is unusable: {exception.Message}", exception);
            }

            LogLoaded(logger, key.Address, path);
            return key;
        }

        var created = OperatorKey.Generate();
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        }

        using (var writer = new StreamWriter(path, options))
        {
            writer.WriteLine(created.ToHex());
        }

        LogCreated(logger, created.Address, path);
        return created;
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "No --key-file: signing with a new in-memory operator key {Address}; it is lost when the host stops")]
    private static partial void LogEphemeral(ILogger logger, string address);

    [LoggerMessage(Level = LogLevel.Information, Message = "Operator {Address} (key from {KeyFile})")]
    private static partial void LogLoaded(ILogger logger, string address, string keyFile);

    [LoggerMessage(Level = LogLevel.Information, Message = "Created a new operator key for {Address} in {KeyFile}; keep this file to keep the identity")]
    private static partial void LogCreated(ILogger logger, string address, string keyFile);
}
