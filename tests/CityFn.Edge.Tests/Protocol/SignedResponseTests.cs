using System.Net;
using CityFn.Core.EdgeHosts;

namespace CityFn.Edge.Tests.Protocol;

/// <summary>Every infer response is signed by the operator key over the request id, inputs and outputs.</summary>
[Collection(EdgeServerCollection.Name)]
public sealed class SignedResponseTests(EdgeServerFixture fixture)
{
    [Fact]
    public async Task A_json_response_signature_recovers_to_the_host_operator_address()
    {
        using var http = fixture.Server.CreateClient();
        var features = OipClient.Rows(4, seed: 11);

        using var response = await http.PostAsync(new Uri("/v2/models/mlp/infer", UriKind.Relative), OipClient.JsonContent(OipClient.JsonRequest(features, id: "job-7/row-0")));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var (_, scores) = await OipClient.ReadAsync(response);
        var digest = InferenceAttestation.Digest("job-7/row-0", [OipClient.FloatBytes(features)], [OipClient.FloatBytes(scores)]);
        Assert.Equal(fixture.Server.Key.Address, OperatorKey.TryRecoverAddress(digest, Signature(response)));
        Assert.Equal(fixture.Server.Key.Address, response.Headers.GetValues(InferenceAttestation.SignerHeader).Single());
    }

    [Fact]
    public async Task A_binary_response_without_an_id_is_signed_over_the_id_the_host_assigned()
    {
        using var http = fixture.Server.CreateClient();
        var features = OipClient.Rows(16, seed: 12);

        using var response = await http.PostAsync(new Uri("/v2/models/mlp/infer", UriKind.Relative), OipClient.BinaryContent(features));

        var (header, scores) = await OipClient.ReadAsync(response);
        var id = header.GetProperty("id").GetString()!;
        Assert.False(string.IsNullOrEmpty(id));
        var digest = InferenceAttestation.Digest(id, [OipClient.FloatBytes(features)], [OipClient.FloatBytes(scores)]);
        Assert.Equal(fixture.Server.Key.Address, OperatorKey.TryRecoverAddress(digest, Signature(response)));
    }

    [Fact]
    public async Task Changed_outputs_do_not_recover_to_the_host()
    {
        using var http = fixture.Server.CreateClient();
        var features = OipClient.Rows(2, seed: 13);

        using var response = await http.PostAsync(new Uri("/v2/models/mlp/infer", UriKind.Relative), OipClient.JsonContent(OipClient.JsonRequest(features, id: "x")));

        var (_, scores) = await OipClient.ReadAsync(response);
        scores[1] += 0.001f;
        var digest = InferenceAttestation.Digest("x", [OipClient.FloatBytes(features)], [OipClient.FloatBytes(scores)]);
        Assert.NotEqual(fixture.Server.Key.Address, OperatorKey.TryRecoverAddress(digest, Signature(response)));
    }

    private static byte[] Signature(HttpResponseMessage response) =>
        OperatorKey.TryParseSignature(response.Headers.GetValues(InferenceAttestation.SignatureHeader).Single())
        ?? throw new InvalidOperationException("The signature header is not 65 bytes of hex.");
}
