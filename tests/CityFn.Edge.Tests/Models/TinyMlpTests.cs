using CityFn.Edge.Models;

namespace CityFn.Edge.Tests.Models;

/// <summary>The hand-written ONNX encoder produces a model ONNX Runtime loads and that computes the C# MLP.</summary>
public sealed class TinyMlpTests
{
    [Fact]
    public void Onnx_runtime_runs_the_built_model_and_matches_the_plain_csharp_mlp()
    {
        var mlp = new TinyMlp();
        using var model = OnnxModel.Load(mlp.ToOnnx(), new ModelConfig("mlp"), "mlp", ExecutionDevice.Cpu);
        var features = OipClient.Rows(300, seed: 31);
        var input = OipClient.FloatBytes(features);
        var scores = Array.Empty<float>();

        model.Run(
            [[300, mlp.Features]],
            (_, destination) => input.CopyTo(destination),
            (_, shape, data) =>
            {
                Assert.Equal([300L, 1L], shape.ToArray());
                scores = System.Runtime.InteropServices.MemoryMarshal.Cast<byte, float>(data).ToArray();
            });

        OipClient.AssertScoresMatchReference(features, scores);
        Assert.True(scores.Max() - scores.Min() > 0.2f, "The reference MLP should spread its scores; a constant model proves nothing.");
        Assert.Equal(OnnxModel.CpuProvider, model.ExecutionProvider);
    }

    [Fact]
    public void Cuda_device_without_the_cuda_runtime_fails_with_onnx_runtimes_reason_and_the_remedy()
    {
        if (OnnxModel.CudaRuntimePresent())
        {
            return; // A GPU machine: covered by the metadata test reporting CUDAExecutionProvider.
        }

        var error = Assert.Throws<CudaUnavailableException>(() => OnnxModel.Load(new TinyMlp().ToOnnx(), new ModelConfig("mlp"), "mlp", ExecutionDevice.Cuda));
        Assert.Contains("could not load its CUDA provider", error.Message, StringComparison.Ordinal);
        Assert.Contains("LD_LIBRARY_PATH", error.Message, StringComparison.Ordinal);
        Assert.IsType<Microsoft.ML.OnnxRuntime.OnnxRuntimeException>(error.InnerException);
    }

    [Fact]
    public void Auto_device_without_cuda_falls_back_to_the_cpu_provider()
    {
        using var model = OnnxModel.Load(new TinyMlp().ToOnnx(), new ModelConfig("mlp"), "mlp", ExecutionDevice.Auto);

        // The GPU build of ONNX Runtime needs the CUDA 13 runtime; where it is missing the session runs on CPU.
        Assert.Equal(OnnxModel.CudaRuntimePresent() ? OnnxModel.CudaProvider : OnnxModel.CpuProvider, model.ExecutionProvider);
    }
}
