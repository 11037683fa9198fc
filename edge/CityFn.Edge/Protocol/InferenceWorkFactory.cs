using CityFn.Edge.Batching;
using CityFn.Edge.Models;

namespace CityFn.Edge.Protocol;

/// <summary>Checks a parsed request against the model's inputs and turns it into work for the batcher.</summary>
public static class InferenceWorkFactory
{
    public static InferenceWork Create(OnnxModel model, InferRequest request)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(request);
        foreach (var input in request.Inputs)
        {
            if (!model.Inputs.Any(spec => spec.Name == input.Name))
            {
                throw BadRequest($"Model {model.Name} has no input {input.Name}; its inputs are {string.Join(", ", model.Inputs.Select(i => i.Name))}.");
            }
        }

        var shapes = new long[model.Inputs.Count][];
        var data = new ReadOnlyMemory<byte>[model.Inputs.Count];
        long? rows = null;
        for (var i = 0; i < model.Inputs.Count; i++)
        {
            var spec = model.Inputs[i];
            var matching = request.Inputs.Where(input => input.Name == spec.Name).ToList();
            if (matching.Count != 1)
            {
                throw BadRequest(matching.Count == 0 ? $"Input {spec.Name} is missing." : $"Input {spec.Name} is given twice.");
            }

            var input = matching[0];
            if (input.DataType != spec.DataType.Name)
            {
                throw BadRequest($"Input {spec.Name} has datatype {input.DataType}; the model expects {spec.DataType.Name}.");
            }

            if (!ShapeFits(input.Shape, spec.Shape))
            {
                throw BadRequest($"Input {spec.Name} has shape [{string.Join(",", input.Shape)}]; the model expects [{string.Join(",", spec.Shape)}] (-1: any size).");
            }

            if (model.Batches)
            {
                if (rows is not null && rows != input.Shape[0])
                {
                    throw BadRequest($"Input {spec.Name} has {input.Shape[0]} rows but another input has {rows}; every input needs the same batch size.");
                }

                rows = input.Shape[0];
            }

            shapes[i] = input.Shape;
            data[i] = input.Data;
        }

        var batchRows = rows ?? 1;
        if (model.Batches && (batchRows < 1 || batchRows > model.Config.MaxBatchSize))
        {
            throw BadRequest($"The request has {batchRows} rows; model {model.Name} takes 1 to {model.Config.MaxBatchSize} rows per request.");
        }

        return new InferenceWork(batchRows, shapes, data);
    }

    private static bool ShapeFits(long[] actual, long[] expected)
    {
        if (actual.Length != expected.Length)
        {
            return false;
        }

        for (var d = 0; d < actual.Length; d++)
        {
            if (expected[d] >= 0 && expected[d] != actual[d])
            {
                return false;
            }
        }

        return true;
    }

    private static Protocol.ProtocolException BadRequest(string message) => new(400, message);
}
