namespace CityFn.Edge.Models;

/// <summary>A model input or output as the protocol describes it; -1 marks a dynamic dimension.</summary>
public sealed record TensorSpec(string Name, TensorDataType DataType, long[] Shape)
{
    /// <summary>Elements in one row: the product of every dimension after the batch dimension.</summary>
    public long ElementsPerRow => Shape.Skip(1).Aggregate(1L, (product, dim) => product * Math.Max(dim, 1));
}
