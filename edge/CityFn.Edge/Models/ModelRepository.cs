using System.Text.Json;

namespace CityFn.Edge.Models;

/// <summary>
/// The model repository, laid out as Triton's: <c>&lt;root&gt;/&lt;name&gt;/config.json</c> and
/// <c>&lt;root&gt;/&lt;name&gt;/&lt;version&gt;/model.onnx</c> (or <c>&lt;root&gt;/&lt;name&gt;/model.onnx</c>).
/// Every model is loaded at start; a model that does not load stops the host with its reason.
/// </summary>
public sealed partial class ModelRepository : IDisposable
{
    private readonly Dictionary<string, OnnxModel> _models;

    private ModelRepository(Dictionary<string, OnnxModel> models) => _models = models;

    public IReadOnlyCollection<OnnxModel> Models => _models.Values;

    public static ModelRepository Load(string root, ExecutionDevice device, int intraOpThreads, ILogger logger)
    {
        ArgumentNullException.ThrowIfNull(logger);
        if (!Directory.Exists(root))
        {
            throw new DirectoryNotFoundException($"The model repository {Path.GetFullPath(root)} does not exist; pass --models with a folder holding <name>/config.json and <name>/<version>/model.onnx.");
        }

        var models = new Dictionary<string, OnnxModel>(StringComparer.Ordinal);
        try
        {
            foreach (var folder in Directory.EnumerateDirectories(root).Order(StringComparer.Ordinal))
            {
                var config = ReadConfig(folder);
                var name = config.Name ?? Path.GetFileName(folder);
                var file = new[] { Path.Combine(folder, config.Version, ModelConfig.ModelFileName), Path.Combine(folder, ModelConfig.ModelFileName) }
                    .FirstOrDefault(File.Exists);
                if (file is null)
                {
                    LogSkipped(logger, folder);
                    continue;
                }

                var model = OnnxModel.Load(File.ReadAllBytes(file), config, name, device, intraOpThreads);
                if (!models.TryAdd(name, model))
                {
                    model.Dispose();
                    throw new InvalidDataException($"Two folders in {root} declare the model name {name}.");
                }

                LogLoaded(logger, name, config.Version, model.ExecutionProvider, config.MaxBatchSize, config.MaxQueueDelayMs, config.InstanceCount);
            }
        }
        catch
        {
            foreach (var model in models.Values)
            {
                model.Dispose();
            }

            throw;
        }

        if (models.Count == 0)
        {
            throw new InvalidDataException($"The model repository {Path.GetFullPath(root)} holds no model (<name>/<version>/model.onnx).");
        }

        return new ModelRepository(models);
    }

    public OnnxModel? Find(string name, string? version) =>
        _models.TryGetValue(name, out var model) && (version is null || version == model.Version) ? model : null;

    /// <summary>Writes one model into a repository folder in the layout <see cref="Load"/> reads.</summary>
    public static void WriteModel(string root, byte[] onnx, ModelConfig config)
    {
        ArgumentNullException.ThrowIfNull(onnx);
        ArgumentNullException.ThrowIfNull(config);
        var name = config.Name ?? throw new ArgumentException("The config must name the model.", nameof(config));
        var versionFolder = Path.Combine(root, name, config.Version);
        Directory.CreateDirectory(versionFolder);
        File.WriteAllBytes(Path.Combine(versionFolder, ModelConfig.ModelFileName), onnx);
        File.WriteAllText(Path.Combine(root, name, ModelConfig.FileName), JsonSerializer.Serialize(config, ModelConfigJsonContext.Default.ModelConfig));
    }

    public void Dispose()
    {
        foreach (var model in _models.Values)
        {
            model.Dispose();
        }
    }

    private static ModelConfig ReadConfig(string folder)
    {
        var path = Path.Combine(folder, ModelConfig.FileName);
        if (!File.Exists(path))
        {
            return new ModelConfig();
        }

        ModelConfig? config;
        try
        {
            config = JsonSerializer.Deserialize(File.ReadAllText(path), ModelConfigJsonContext.Default.ModelConfig);
        }
        catch (JsonException exception)
        {
            throw new InvalidDataException($"{path} is not valid JSON: {exception.Message}", exception);
        }

        var results = new List<System.ComponentModel.DataAnnotations.ValidationResult>();
        if (config is null || !System.ComponentModel.DataAnnotations.Validator.TryValidateObject(config, new(config), results, validateAllProperties: true))
        {
            throw new InvalidDataException($"{path} is invalid: {string.Join("; ", results.Select(r => r.ErrorMessage))}");
        }

        return config;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Loaded model {Model} version {Version} on {ExecutionProvider} (max batch {MaxBatchSize} rows, max queue delay {MaxQueueDelayMs} ms, {InstanceCount} instances)")]
    private static partial void LogLoaded(ILogger logger, string model, string version, string executionProvider, int maxBatchSize, double maxQueueDelayMs, int instanceCount);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Skipped {Folder}: it holds no model.onnx")]
    private static partial void LogSkipped(ILogger logger, string folder);
}
