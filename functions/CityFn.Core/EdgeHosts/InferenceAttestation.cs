using CityFn.Core.Ethereum;
using System.Text;

namespace CityFn.Core.EdgeHosts;

/// <summary>
/// What an edge host signs for each inference response (docs/edge-protocol.md, "Signed responses"):
/// <c>keccak256(utf8(requestId) ‖ keccak256(inputs) ‖ keccak256(outputs))</c>, where inputs and outputs
/// are the raw little-endian tensor bytes concatenated in the order they appear in the request and in the
/// response. Anyone holding the request and the response can recompute it and recover the signer.
/// </summary>
public static class InferenceAttestation
{
    public const string SignatureHeader = "CityFn-Signature";
    public const string SignerHeader = "CityFn-Signer";

    public static byte[] Digest(string requestId, IReadOnlyList<ReadOnlyMemory<byte>> inputs, IReadOnlyList<ReadOnlyMemory<byte>> outputs)
    {
        ArgumentNullException.ThrowIfNull(requestId);
        ArgumentNullException.ThrowIfNull(inputs);
        ArgumentNullException.ThrowIfNull(outputs);
        return Keccak256.HashConcatenation(Encoding.UTF8.GetBytes(requestId), HashTensors(inputs), HashTensors(outputs));
    }

    private static byte[] HashTensors(IReadOnlyList<ReadOnlyMemory<byte>> tensors)
    {
        var hasher = new Keccak256();
        foreach (var tensor in tensors)
        {
            hasher.Append(tensor.Span);
        }

        return hasher.Finish();
    }
}
