using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;

namespace CityFn.Edge.Tests.Protocol;

/// <summary>Bad requests get the protocol's {"error": …} body with a fitting status, and the host keeps serving.</summary>
[Collection(EdgeServerCollection.Name)]
public sealed class MalformedRequestTests(EdgeServerFixture fixture)
{
    private const string Infer = "/v2/models/mlp/infer";

    [Theory]
    [InlineData("{\"inputs\":[{\"name\":\"features\",\"shape\":[1,7],\"datatype\":\"FP32\",\"data\":[1,2,3,4,5,6,7]}]}", "shape")]
    [InlineData("{\"inputs\":[{\"name\":\"features\",\"shape\":[8],\"datatype\":\"FP32\",\"data\":[1,2,3,4,5,6,7,8]}]}", "shape")]
    [InlineData("{\"inputs\":[{\"name\":\"features\",\"shape\":[1,8],\"datatype\":\"INT64\",\"data\":[1,2,3,4,5,6,7,8]}]}", "datatype")]
    [InlineData("{\"inputs\":[{\"name\":\"features\",\"shape\":[1,8],\"datatype\":\"FP16\",\"data\":[1,2,3,4,5,6,7,8]}]}", "datatype")]
    [InlineData("{\"inputs\":[{\"name\":\"features\",\"shape\":[2,8],\"datatype\":\"FP32\",\"data\":[1,2,3,4,5,6,7,8]}]}", "elements")]
    [InlineData("{\"inputs\":[{\"name\":\"features\",\"shape\":[1,8],\"datatype\":\"FP32\",\"data\":[1,2,3,4,5,6,7,\"x\"]}]}", "not a FP32")]
    [InlineData("{\"inputs\":[{\"name\":\"other\",\"shape\":[1,8],\"datatype\":\"FP32\",\"data\":[1,2,3,4,5,6,7,8]}]}", "no input other")]
    [InlineData("{\"inputs\":[]}", "inputs")]
    [InlineData("{\"inputs\":[{\"name\":\"features\",\"shape\":[1,8],\"datatype\":\"FP32\",\"data\":[1,2,3,4,5,6,7,8]}],\"outputs\":[{\"name\":\"nope\"}]}", "no output nope")]
    [InlineData("{\"inputs\":[{\"name\":\"features\",\"shape\":[2000,8],\"datatype\":\"FP32\",\"parameters\":{\"binary_data_size\":64000}}]}", "binary_data_size")]
    [InlineData("{not json", "not valid JSON")]
    public async Task Malformed_json_requests_answer_400_saying_what_is_wrong(string body, string expected)
    {
        using var http = fixture.Server.CreateClient();

        using var response = await http.PostAsync(new Uri(Infer, UriKind.Relative), OipClient.JsonContent(body));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains(expected, await ErrorAsync(response), StringComparison.Ordinal);
    }

    [Fact]
    public async Task More_rows_than_the_max_batch_answer_400()
    {
        using var http = fixture.Server.CreateClient();

        using var response = await http.PostAsync(new Uri(Infer, UriKind.Relative), OipClient.BinaryContent(new float[1025 * 8]));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("1 to 1024 rows", await ErrorAsync(response), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Binary_data_shorter_than_its_declared_size_answers_400()
    {
        using var http = fixture.Server.CreateClient();
        var header = Encoding.UTF8.GetBytes("{\"inputs\":[{\"name\":\"features\",\"shape\":[2,8],\"datatype\":\"FP32\",\"parameters\":{\"binary_data_size\":64}}]}");
        using var content = new ByteArrayContent([.. header, .. new byte[40]]);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
        content.Headers.Add(OipClient.HeaderLength, header.Length.ToString(System.Globalization.CultureInfo.InvariantCulture));

        using var response = await http.PostAsync(new Uri(Infer, UriKind.Relative), content);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("binary_data_size", await ErrorAsync(response), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_header_length_beyond_the_body_answers_400()
    {
        using var http = fixture.Server.CreateClient();
        using var content = new ByteArrayContent(Encoding.UTF8.GetBytes("{\"inputs\":[]}"));
        content.Headers.Add(OipClient.HeaderLength, "999");

        using var response = await http.PostAsync(new Uri(Infer, UriKind.Relative), content);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains(OipClient.HeaderLength, await ErrorAsync(response), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Inference_on_an_unknown_model_answers_404()
    {
        using var http = fixture.Server.CreateClient();

        using var response = await http.PostAsync(new Uri("/v2/models/nope/infer", UriKind.Relative), OipClient.JsonContent(OipClient.JsonRequest(OipClient.Rows(1, 1))));

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Contains("Unknown model nope", await ErrorAsync(response), StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_oversized_body_answers_413()
    {
        using var http = fixture.Server.CreateClient();

        // The test host accepts 1 MiB; 64k rows of 8 floats are 2 MiB.
        using var response = await http.PostAsync(new Uri(Infer, UriKind.Relative), OipClient.BinaryContent(new float[64 * 1024 * 8]));

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        Assert.Contains("larger than this host accepts", await ErrorAsync(response), StringComparison.Ordinal);
    }

    private static async Task<string> ErrorAsync(HttpResponseMessage response)
    {
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        return body.RootElement.GetProperty("error").GetString() ?? "";
    }
}
