using System.ComponentModel.DataAnnotations;
using System.Text.Json.Serialization;

namespace CityFn.Edge.Models;

/// <summary>
/// <c>models/&lt;name&gt;/config.json</c>: what ONNX metadata cannot say. Inputs and outputs come from the
/// model itself. <c>max_batch_size</c> is in rows (0 turns batching off: each request runs alone).
/// <c>dispatch_when_idle</c> (default true): run a forming batch at once when no other request for the model
/// is on its way in, instead of holding it for the rest of <c>max_queue_delay_ms</c>; false waits the full
/// window as Triton does (more rows per run, more latency for lone callers).
/// </summary>
public sealed record ModelConfig(
    [property: JsonPropertyName("name")] string? Name = null,
    [property: JsonPropertyName("version")] string Version = "1",
    [property: JsonPropertyName("max_batch_size"), Range(0, 1 << 20)] int MaxBatchSize = 1024,
    [property: JsonPropertyName("max_queue_delay_ms"), Range(0, 1000)] double MaxQueueDelayMs = 2,
    [property: JsonPropertyName("max_queue_size"), Range(1, 1 << 20)] int MaxQueueSize = 256,
    [property: JsonPropertyName("dispatch_when_idle")] bool DispatchWhenIdle = true)
{
    public const string FileName = "config.json";
    public const string ModelFileName = "model.onnx";
}

[JsonSourceGenerationOptions(ReadCommentHandling = System.Text.Json.JsonCommentHandling.Skip, AllowTrailingCommas = true, WriteIndented = true)]
[JsonSerializable(typeof(ModelConfig))]
public sealed partial class ModelConfigJsonContext : JsonSerializerContext;
