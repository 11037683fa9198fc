using System.Text.Json.Serialization;

namespace CityFn.Edge.Protocol;

public sealed record ErrorResponse([property: JsonPropertyName("error")] string Error);

public sealed record ServerMetadata(
    [property: JsonPropertyName("name")] string Name,
    [property: JsonPropertyName("version")] string Version,
    [property: JsonPropertyName("extensions")] IReadOnlyList<string> Extensions,
    [property: JsonPropertyName("operator")] string Operator);

public sealed record TensorMetadata(
    [property: JsonPropertyName("name")] string Name,
    [property: JsonPropertyName("datatype")] string DataType,
    [property: JsonPropertyName("shape")] long[] Shape);

/// <summary>OIP v2 model metadata, plus the execution provider the model really runs on and its batching settings.</summary>
public sealed record ModelMetadata(
    [property: JsonPropertyName("name")] string Name,
    [property: JsonPropertyName("versions")] IReadOnlyList<string> Versions,
    [property: JsonPropertyName("platform")] string Platform,
    [property: JsonPropertyName("inputs")] IReadOnlyList<TensorMetadata> Inputs,
    [property: JsonPropertyName("outputs")] IReadOnlyList<TensorMetadata> Outputs,
    [property: JsonPropertyName("parameters")] ModelParameters Parameters);

public sealed record ModelParameters(
    [property: JsonPropertyName("execution_provider")] string ExecutionProvider,
    [property: JsonPropertyName("max_batch_size")] int MaxBatchSize,
    [property: JsonPropertyName("max_queue_delay_ms")] double MaxQueueDelayMs,
    [property: JsonPropertyName("max_queue_size")] int MaxQueueSize);

public sealed record LiveResponse([property: JsonPropertyName("live")] bool Live);

public sealed record ReadyResponse([property: JsonPropertyName("ready")] bool Ready);

public sealed record ModelReadyResponse(
    [property: JsonPropertyName("name")] string Name,
    [property: JsonPropertyName("ready")] bool Ready);

[JsonSerializable(typeof(ErrorResponse))]
[JsonSerializable(typeof(ServerMetadata))]
[JsonSerializable(typeof(ModelMetadata))]
[JsonSerializable(typeof(LiveResponse))]
[JsonSerializable(typeof(ReadyResponse))]
[JsonSerializable(typeof(ModelReadyResponse))]
public sealed partial class ProtocolJsonContext : JsonSerializerContext;
