using Microsoft.ML.OnnxRuntime.Tensors;

namespace CityFn.Edge.Models;

/// <summary>The Open Inference Protocol datatypes this host serves, and their ONNX Runtime element types.</summary>
public sealed record TensorDataType(string Name, TensorElementType ElementType, int Size)
{
    public static readonly TensorDataType Bool = new("BOOL", TensorElementType.Bool, 1);
    public static readonly TensorDataType UInt8 = new("UINT8", TensorElementType.UInt8, 1);
    public static readonly TensorDataType Int8 = new("INT8", TensorElementType.Int8, 1);
    public static readonly TensorDataType Int32 = new("INT32", TensorElementType.Int32, 4);
    public static readonly TensorDataType Int64 = new("INT64", TensorElementType.Int64, 8);
    public static readonly TensorDataType Fp32 = new("FP32", TensorElementType.Float, 4);
    public static readonly TensorDataType Fp64 = new("FP64", TensorElementType.Double, 8);

    private static readonly TensorDataType[] All = [Bool, UInt8, Int8, Int32, Int64, Fp32, Fp64];

    public static TensorDataType? FromName(string? name) => All.FirstOrDefault(t => t.Name == name);

    public static TensorDataType? FromElementType(TensorElementType elementType) => All.FirstOrDefault(t => t.ElementType == elementType);
}
