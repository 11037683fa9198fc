using System.Runtime.InteropServices;
using Microsoft.ML.OnnxRuntime;
using SessionOptions = Microsoft.ML.OnnxRuntime.SessionOptions;

namespace CityFn.Edge.Models;

/// <summary>Copies input <paramref name="index"/> of a run into ONNX Runtime's tensor memory.</summary>
public delegate void TensorFiller(int index, Span<byte> destination);

/// <summary>Receives output <paramref name="index"/> of a run; the span is valid only during the call.</summary>
public delegate void TensorReader(int index, ReadOnlySpan<long> shape, ReadOnlySpan<byte> data);

/// <summary>
/// One ONNX model: one <see cref="InferenceSession"/>, inputs and outputs read from the model's metadata,
/// runs through the OrtValue API on raw little-endian tensor bytes (the protocol's binary form).
/// </summary>
public sealed class OnnxModel : IDisposable
{
    public const string CudaProvider = "CUDAExecutionProvider";
    public const string CpuProvider = "CPUExecutionProvider";

    private readonly InferenceSession _session;
    private readonly RunOptions _runOptions = new();
    private readonly string[] _inputNames;
    private readonly string[] _outputNames;

    private OnnxModel(InferenceSession session, ModelConfig config, string name, string executionProvider)
    {
        _session = session;
        Config = config;
        Name = name;
        ExecutionProvider = executionProvider;
        _inputNames = [.. session.InputNames];
        _outputNames = [.. session.OutputNames];
        Inputs = [.. _inputNames.Select(n => Spec(n, session.InputMetadata[n]))];
        Outputs = [.. _outputNames.Select(n => Spec(n, session.OutputMetadata[n]))];
    }

    public string Name { get; }

    public string Version => Config.Version;

    public ModelConfig Config { get; }

    /// <summary>The execution provider the session really runs on: CUDAExecutionProvider or CPUExecutionProvider.</summary>
    public string ExecutionProvider { get; }

    public IReadOnlyList<TensorSpec> Inputs { get; }

    public IReadOnlyList<TensorSpec> Outputs { get; }

    /// <summary>Whether requests are coalesced: the model has a batch dimension and a max batch above 0.</summary>
    public bool Batches => Config.MaxBatchSize > 0;

    public static OnnxModel Load(byte[] onnx, ModelConfig config, string name, ExecutionDevice device, int intraOpThreads = 1)
    {
        ArgumentNullException.ThrowIfNull(onnx);
        ArgumentNullException.ThrowIfNull(config);
        using var options = new SessionOptions
        {
            GraphOptimizationLevel = GraphOptimizationLevel.ORT_ENABLE_ALL,
            ExecutionMode = ExecutionMode.ORT_SEQUENTIAL,
            IntraOpNumThreads = intraOpThreads,
            InterOpNumThreads = 1,
        };
        var provider = CpuProvider;
        // Auto only tries CUDA where its runtime loads, sparing the log ONNX Runtime's loader error on CPU machines.
        if (device == ExecutionDevice.Cuda || (device == ExecutionDevice.Auto && CudaRuntimePresent()))
        {
            try
            {
                // TF32 (on by default in the CUDA provider) rounds matrix inputs to 10-bit mantissas: outputs would
                // stray ~5e-4 from the CPU reference that verification compares against within 1e-3.
                using var cuda = new OrtCUDAProviderOptions();
                cuda.UpdateOptions(new Dictionary<string, string> { ["device_id"] = "0", ["use_tf32"] = "0" });
                options.AppendExecutionProvider_CUDA(cuda);
                provider = CudaProvider;
            }
            catch (OnnxRuntimeException) when (device == ExecutionDevice.Auto)
            {
                // CUDA or cuDNN is not installed (or no GPU): the GPU build of ONNX Runtime runs on CPU.
            }
            catch (OnnxRuntimeException exception)
            {
                throw new CudaUnavailableException($"Model {name}: --device cuda, but ONNX Runtime could not load its CUDA provider ({exception.Message}); {CudaUnavailableException.Remedy}.", exception);
            }
        }

        var session = new InferenceSession(onnx, options);
        var model = new OnnxModel(session, config, name, provider);
        foreach (var tensor in model.Inputs.Concat(model.Outputs))
        {
            if (model.Batches && (tensor.Shape.Length == 0 || tensor.Shape[0] != -1))
            {
                session.Dispose();
                throw new InvalidDataException($"Model {name}: {tensor.Name} has no dynamic batch dimension; set max_batch_size to 0 in {ModelConfig.FileName} to serve it unbatched.");
            }
        }

        return model;
    }

    /// <summary>Runs the model once. Shapes are full shapes (batch dimension first when batching).</summary>
    public void Run(IReadOnlyList<long[]> inputShapes, TensorFiller fill, TensorReader read)
    {
        ArgumentNullException.ThrowIfNull(inputShapes);
        ArgumentNullException.ThrowIfNull(fill);
        ArgumentNullException.ThrowIfNull(read);
        var inputs = new OrtValue[Inputs.Count];
        try
        {
            for (var i = 0; i < inputs.Length; i++)
            {
                inputs[i] = OrtValue.CreateAllocatedTensorValue(OrtAllocator.DefaultInstance, Inputs[i].DataType.ElementType, inputShapes[i]);
                fill(i, inputs[i].GetTensorMutableRawData());
            }

            using var outputs = _session.Run(_runOptions, _inputNames, inputs, _outputNames);
            var index = 0;
            foreach (var output in outputs)
            {
                var shape = output.GetTensorTypeAndShape().Shape;
                read(index++, shape, output.GetTensorMutableRawData());
            }
        }
        finally
        {
            foreach (var input in inputs)
            {
                input?.Dispose();
            }
        }
    }

    /// <summary>Whether the CUDA 13 runtime that the GPU build of ONNX Runtime links against can be loaded here.</summary>
    public static bool CudaRuntimePresent()
    {
        if (!NativeLibrary.TryLoad("libcudart.so.13", out var handle))
        {
            return false;
        }

        NativeLibrary.Free(handle);
        return true;
    }

    public void Dispose()
    {
        _runOptions.Dispose();
        _session.Dispose();
    }

    private TensorSpec Spec(string name, NodeMetadata metadata)
    {
        var dataType = metadata.IsTensor ? TensorDataType.FromElementType(metadata.ElementDataType) : null;
        if (dataType is null)
        {
            throw new InvalidDataException($"Model {Name}: {name} is a {metadata.OnnxValueType} of {metadata.ElementDataType}; this host serves tensors of BOOL, UINT8, INT8, INT32, INT64, FP32 and FP64.");
        }

        return new TensorSpec(name, dataType, [.. metadata.Dimensions.Select(d => (long)d)]);
    }
}
