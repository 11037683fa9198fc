namespace CityFn.Edge;

/// <summary>
/// Turns the operator's flags (<c>--models</c>, <c>--port</c>, <c>--device</c>, <c>--key-file</c>,
/// <c>--register</c>, <c>--registry-url</c>, <c>--public-url</c>, <c>--storage</c>) into configuration keys.
/// </summary>
public static class EdgeHostArguments
{
    public static readonly IReadOnlyDictionary<string, string> SwitchMappings = new Dictionary<string, string>
    {
        ["--models"] = "Edge:Models",
        ["--port"] = "Edge:Port",
        ["--listen"] = "Edge:Listen",
        ["--device"] = "Edge:Device",
        ["--key-file"] = "Edge:KeyFile",
        ["--register"] = "Edge:Register",
        ["--registry-url"] = "Edge:RegistryUrl",
        ["--public-url"] = "Edge:PublicUrl",
        ["--storage"] = "AzureWebJobsStorage",
    };

    /// <summary>Configuration's command-line reader needs a value after every switch: a bare <c>--register</c> means true.</summary>
    public static string[] Normalize(string[] args)
    {
        ArgumentNullException.ThrowIfNull(args);
        var normalized = new List<string>(args.Length);
        for (var i = 0; i < args.Length; i++)
        {
            var isBareFlag = args[i] == "--register" && (i + 1 == args.Length || args[i + 1].StartsWith('-'));
            normalized.Add(isBareFlag ? "--register=true" : args[i]);
        }

        return [.. normalized];
    }
}
