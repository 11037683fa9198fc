namespace CityFn.Edge.Protocol;

/// <summary>An input tensor as received: raw little-endian bytes whether it came as JSON or as binary data.</summary>
public sealed record RequestInput(string Name, string DataType, long[] Shape, ReadOnlyMemory<byte> Data);

/// <summary>An output the caller asked for, and whether it wants it as binary data.</summary>
public sealed record RequestedOutput(string Name, bool Binary);

/// <summary>A parsed <c>/infer</c> request; <see cref="Outputs"/> is null when the caller wants every output.</summary>
public sealed record InferRequest(string? Id, IReadOnlyList<RequestInput> Inputs, IReadOnlyList<RequestedOutput>? Outputs, bool BinaryOutputs);
