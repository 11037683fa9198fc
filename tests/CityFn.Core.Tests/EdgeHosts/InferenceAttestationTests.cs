using System.Buffers.Binary;
using CityFn.Core.EdgeHosts;

namespace CityFn.Core.Tests.EdgeHosts;

/// <summary>The worked example of docs/edge-protocol.md, "Signed responses", checked byte for byte.</summary>
public sealed class InferenceAttestationTests
{
    // Request id "example-1", input FP32 [1,8] = 0.5 × 8, output FP32 [1,1] = 0.25.
    private const string ExampleDigest = "0x81b9ba68394cd2a7a70269921337d8cc1cc9e1976058649cf4c1f25c28e59352";
    private const string ExampleSignature = "0xeb0384ab9bc4b67937988c072c63ffca75ef5fa68cd27390f686bb45a6dea8635841d51a7ae717fec356326bda03bfdce1365dfbada1f386b52cb0f97aaaea651c";
    private const string ExampleSigner = "0x5b3190e1d34ecc94307a568f5ef748653b18ace6";

    [Fact]
    public void The_documented_example_digest_and_signature_recover_to_the_documented_operator()
    {
        var digest = ExampleDigestBytes();

        Assert.Equal(ExampleDigest, "0x" + Convert.ToHexStringLower(digest));
        Assert.Equal(ExampleSigner, OperatorKey.TryRecoverAddress(digest, OperatorKey.TryParseSignature(ExampleSignature)));
        var doc = File.ReadAllText(Path.Combine(CityFn.LocalDev.RepositoryRoot.Find(), "docs", "edge-protocol.md"));
        Assert.Contains(ExampleDigest, doc, StringComparison.Ordinal);
        Assert.Contains(ExampleSignature, doc, StringComparison.Ordinal);
        Assert.Contains(ExampleSigner, doc, StringComparison.Ordinal);
    }

    [Fact]
    public void The_digest_depends_on_the_id_the_inputs_and_the_outputs()
    {
        var baseline = ExampleDigestBytes();

        Assert.NotEqual(baseline, InferenceAttestation.Digest("example-2", [Floats(0.5f, 8)], [Floats(0.25f, 1)]));
        Assert.NotEqual(baseline, InferenceAttestation.Digest("example-1", [Floats(0.5f, 7)], [Floats(0.25f, 1)]));
        Assert.NotEqual(baseline, InferenceAttestation.Digest("example-1", [Floats(0.5f, 8)], [Floats(0.26f, 1)]));
    }

    internal static byte[] ExampleDigestBytes() => InferenceAttestation.Digest("example-1", [Floats(0.5f, 8)], [Floats(0.25f, 1)]);

    private static byte[] Floats(float value, int count)
    {
        var bytes = new byte[count * 4];
        for (var i = 0; i < count; i++)
        {
            BinaryPrimitives.WriteSingleLittleEndian(bytes.AsSpan(i * 4), value);
        }

        return bytes;
    }
}
