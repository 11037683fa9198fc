using System.Diagnostics;
using CityFn.Edge.Models;

namespace CityFn.Edge.Batching;

/// <summary>One caller's request waiting for a batch: its inputs in model input order, and where its outputs go.</summary>
public sealed class InferenceWork(long rows, long[][] shapes, ReadOnlyMemory<byte>[] inputs)
{
    public long Rows { get; } = rows;

    /// <summary>Full shape of each input, in the model's input order.</summary>
    public long[][] Shapes { get; } = shapes;

    /// <summary>Raw little-endian bytes of each input, in the model's input order.</summary>
    public ReadOnlyMemory<byte>[] Inputs { get; } = inputs;

    public long EnqueuedAt { get; } = Stopwatch.GetTimestamp();

    public TaskCompletionSource<InferenceOutput[]> Completion { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
}

/// <summary>One output tensor of one caller: its shape and raw little-endian bytes.</summary>
public sealed record InferenceOutput(TensorSpec Spec, long[] Shape, byte[] Data);

/// <summary>Why a request could not be queued.</summary>
public enum EnqueueOutcome
{
    Queued,
    QueueFull,
    ShuttingDown,
}
