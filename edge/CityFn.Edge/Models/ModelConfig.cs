using System.ComponentModel.DataAnnotations;
using System.Text.Json.Serialization;

namespace CityFn.Edge.Models;

/// <summary>
/// <c>models/&lt;name&gt;/config.json</c>: what ONNX metadata cannot say. Inputs and outputs come from the
/// model itself. <c>max_batch_size</c> is in rows (0 turns batching off: each request runs alone).
/// <c>dispatch_when_idle</c> (default true): run a forming batch at once when no other request for the model
/// is on its way in, instead of holding it for the rest of <c>max_queue_delay_ms</c>; false waits the full
/// window as Triton does (more rows per run, more latency for lone callers).
/// <c>instance_count</c> (default 2, Triton's <c>instance_group.count</c>): how many batches of the model may run at
/// once on its one session; one batch runs while the next forms, and on a many-core host several run in parallel.
/// </summary>
public sealed record ModelConfig(
    [property: JsonPropertyName("name")] string? Name = null,
    [property: JsonPropertyName("version")] string Version = "1",
    [property: JsonPropertyName("max_batch_size"), Range(0, 1 << 20)] int MaxBatchSize = 1024,
    [property: JsonPropertyName("max_queue_delay_ms"), Range(0, 1000)] double MaxQueueDelayMs = 2,
    [property: JsonPropertyName("max_queue_size"), Range(1, 1 << 20)] int MaxQueueSize = 256,
    [property: JsonPropertyName("dispatch_when_idle")] bool DispatchWhenIdle = true,
    [property: JsonPropertyName("instance_count"), Range(1, 256)] int InstanceCount = ModelConfig.DefaultInstanceCount)
{
    public const string FileName = "config.json";
    public const string ModelFileName = "model.onnx";

    /// <summary>Two, as Triton gives a CPU model: one batch computes while the next is gathered and the last answered.</summary>
    public const int DefaultInstanceCount = 2;
}

[JsonSourceGenerationOptions(ReadCommentHandling = System.Text.Json.JsonCommentHandling.Skip, AllowTrailingCommas = true, WriteIndented = true)]
[JsonSerializable(typeof(ModelConfig))]
public sealed partial class ModelConfigJsonContext : JsonSerializerContext;
