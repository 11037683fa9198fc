using CityFn.Core.EdgeHosts;
using CityFn.Core.Scoring.Hosts;

namespace CityFn.Core.Scoring.Verification;

/// <summary>One host's signed answer as stored in evidence: enough to recompute the digest and recover the signer.</summary>
public sealed record SignedResponseEvidence(
    string Host,
    string RequestId,
    string Signature,
    string OutputBase64,
    long[] OutputShape,
    bool AgreesWithReference)
{
    public static SignedResponseEvidence From(SignedInference inference, bool agrees)
    {
        ArgumentNullException.ThrowIfNull(inference);
        return new(inference.Host, inference.RequestId, "0x" + Convert.ToHexStringLower(inference.Signature),
            Convert.ToBase64String(inference.Output), inference.OutputShape, agrees);
    }
}

/// <summary>
/// Blob evidence/&lt;job&gt;/&lt;model&gt;-&lt;chunk&gt;.json of a spot check that disagreed: the input tensor both hosts
/// (or the host and the reference) scored, each host's signed answer, and the CPU reference's scores.
/// <see cref="Verify"/> lets anyone check that each host really signed what it is blamed for.
/// </summary>
public sealed record MismatchEvidence(
    string JobId,
    string Model,
    int Chunk,
    DateTimeOffset DetectedAt,
    string InputBase64,
    int Rows,
    int Columns,
    IReadOnlyList<SignedResponseEvidence> Responses,
    IReadOnlyList<float> ReferenceScores,
    double Tolerance,
    IReadOnlyList<string> Quarantined)
{
    public static string BlobName(string jobId, string model, int chunk) => $"{jobId}/{model}-{chunk}.json";

    /// <summary>For each stored response: does its signature recover to the host it names, over these exact bytes?</summary>
    public IReadOnlyDictionary<string, bool> Verify()
    {
        var input = Convert.FromBase64String(InputBase64);
        var result = new Dictionary<string, bool>(StringComparer.Ordinal);
        foreach (var response in Responses)
        {
            var digest = InferenceAttestation.Digest(response.RequestId, [input], [Convert.FromBase64String(response.OutputBase64)]);
            var signature = OperatorKey.TryParseSignature(response.Signature);
            var signer = signature is null ? null : OperatorKey.TryRecoverAddress(digest, signature);
            result[response.Host] = string.Equals(signer, response.Host, StringComparison.OrdinalIgnoreCase);
        }

        return result;
    }
}
