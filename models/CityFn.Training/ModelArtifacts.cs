using System.Text.Json;
using System.Text.Json.Serialization;
using CityFn.Training.Forecast;

namespace CityFn.Training;

/// <summary>
/// Writes one model in the edge host's repository layout (Triton style): <c>&lt;root&gt;/&lt;name&gt;/config.json</c>,
/// <c>&lt;root&gt;/&lt;name&gt;/1/model.onnx</c>, plus the model card and the test metrics the reproduction tests check.
/// </summary>
public static class ModelArtifacts
{
    public const string Version = "1";
    public const string MetricsFileName = "metrics.json";
    public const string CardFileName = "MODEL_CARD.md";

    public static void Write(string root, string name, byte[] onnx, string card, string metricsJson)
    {
        ArgumentNullException.ThrowIfNull(onnx);
        var folder = Path.Combine(root, name);
        Directory.CreateDirectory(Path.Combine(folder, Version));
        File.WriteAllBytes(Path.Combine(folder, Version, "model.onnx"), onnx);
        File.WriteAllText(Path.Combine(folder, "config.json"), $$"""
            {
              "name": "{{name}}",
              "version": "{{Version}}",
              "max_batch_size": 1024,
              "max_queue_delay_ms": 2
            }

            """);
        File.WriteAllText(Path.Combine(folder, CardFileName), card);
        File.WriteAllText(Path.Combine(folder, MetricsFileName), metricsJson + "\n");
    }
}

/// <summary>Test metrics as committed next to each model; the reproduction tests read them back.</summary>
[JsonSourceGenerationOptions(WriteIndented = true)]
[JsonSerializable(typeof(ForecastTestMetrics))]
[JsonSerializable(typeof(CityFn.Training.Quality.QualityTestMetrics))]
public sealed partial class MetricsJsonContext : JsonSerializerContext;

public static class MetricsFile
{
    public static Quality.QualityTestMetrics ReadQuality(string path) =>
        JsonSerializer.Deserialize(File.ReadAllText(path), MetricsJsonContext.Default.QualityTestMetrics)
        ?? throw new InvalidDataException($"{path} holds no metrics.");

    public static ForecastTestMetrics ReadForecast(string path) =>
        JsonSerializer.Deserialize(File.ReadAllText(path), MetricsJsonContext.Default.ForecastTestMetrics)
        ?? throw new InvalidDataException($"{path} holds no metrics.");
}
