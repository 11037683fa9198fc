namespace CityFn.Edge.Models;

/// <summary>
/// <c>--device cuda</c> was asked for but ONNX Runtime could not load its CUDA provider: the CUDA 13 libraries
/// (libcudart, libcublas, libcublasLt, libcurand) or cuDNN 9 are not on the library path, or there is no GPU.
/// </summary>
public sealed class CudaUnavailableException : InvalidOperationException
{
    public const string Remedy =
        "install CUDA 13 and cuDNN 9 so that libcudart.so.13, libcublasLt.so.13, libcublas.so.13 and libcurand.so.10 are on the library path (LD_LIBRARY_PATH), or use --device cpu or --device auto";

    public CudaUnavailableException(string message, Exception? innerException = null)
        : base(message, innerException)
    {
    }

    public CudaUnavailableException()
    {
    }

    public CudaUnavailableException(string message)
        : base(message)
    {
    }
}
