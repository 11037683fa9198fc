namespace CityFn.Edge.Models;

/// <summary>Where models run: <c>auto</c> tries CUDA and falls back to CPU; <c>cuda</c> fails without it.</summary>
public enum ExecutionDevice
{
    Auto,
    Cpu,
    Cuda,
}
