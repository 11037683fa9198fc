namespace CityFn.Core.Scoring.Hosts;

/// <summary>One inference call to make: the model, its input tensor (FP32 [rows, columns], little-endian) and a request id.</summary>
public sealed record InferenceCall(string Model, string InputName, string OutputName, string RequestId, byte[] Input, int Rows, int Columns);

/// <summary>
/// An edge host's answer, with what makes it evidence: the request id, the signature and the exact input
/// and output bytes it covers (<see cref="EdgeHosts.InferenceAttestation"/>).
/// </summary>
public sealed record SignedInference(
    string Host,
    string RequestId,
    byte[] Input,
    byte[] Output,
    long[] OutputShape,
    byte[] Signature,
    TimeSpan Latency)
{
    /// <summary>Column 0 of the FP32 output, one score per row.</summary>
    public float[] Scores()
    {
        var rows = OutputShape.Length > 0 ? (int)OutputShape[0] : 0;
        var width = rows == 0 ? 0 : Output.Length / sizeof(float) / rows;
        var scores = new float[rows];
        for (var r = 0; r < rows; r++)
        {
            scores[r] = System.Buffers.Binary.BinaryPrimitives.ReadSingleLittleEndian(Output.AsSpan(r * width * sizeof(float)));
        }

        return scores;
    }
}

/// <summary>Why a call to one host failed; the dispatcher retries elsewhere.</summary>
public sealed class EdgeCallException(string host, string message, Exception? inner = null) : Exception($"{host}: {message}", inner)
{
    public string Host { get; } = host;
}

/// <summary>No host could score the call now: the job goes back to the queue with a backoff.</summary>
public sealed class NoUsableHostException(string message) : Exception(message);
