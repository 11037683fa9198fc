using System.Net;
using System.Text.Json;

namespace CityFn.Edge.Tests.Protocol;

/// <summary>Each OIP v2 endpoint of the real host, over HTTP on loopback, in JSON and binary form.</summary>
[Collection(EdgeServerCollection.Name)]
public sealed class OpenInferenceEndpointsTests(EdgeServerFixture fixture)
{
    private EdgeServer Server => fixture.Server;

    [Theory]
    [InlineData("/v2/health/live", "live")]
    [InlineData("/v2/health/ready", "ready")]
    public async Task Health_endpoints_answer_200_with_their_flag(string path, string flag)
    {
        using var http = Server.CreateClient();

        using var response = await http.GetAsync(new Uri(path, UriKind.Relative));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.True((await ReadJsonAsync(response)).GetProperty(flag).GetBoolean());
    }

    [Fact]
    public async Task Server_metadata_names_the_binary_extension_and_the_operator_address()
    {
        using var http = Server.CreateClient();

        var body = await ReadJsonAsync(await http.GetAsync(new Uri("/v2", UriKind.Relative)));

        Assert.Equal("cityfn-edge", body.GetProperty("name").GetString());
        Assert.Contains("binary_tensor_data", body.GetProperty("extensions").EnumerateArray().Select(e => e.GetString()));
        Assert.Equal(Server.Key.Address, body.GetProperty("operator").GetString());
    }

    [Theory]
    [InlineData("/v2/models/mlp")]
    [InlineData("/v2/models/mlp/versions/1")]
    public async Task Model_metadata_reads_inputs_and_outputs_from_the_onnx_model_and_names_the_provider(string path)
    {
        using var http = Server.CreateClient();

        using var response = await http.GetAsync(new Uri(path, UriKind.Relative));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var body = await ReadJsonAsync(response);
        Assert.Equal("mlp", body.GetProperty("name").GetString());
        Assert.Equal(["1"], body.GetProperty("versions").EnumerateArray().Select(e => e.GetString()));
        var input = body.GetProperty("inputs")[0];
        Assert.Equal("features", input.GetProperty("name").GetString());
        Assert.Equal("FP32", input.GetProperty("datatype").GetString());
        Assert.Equal([-1L, 8L], input.GetProperty("shape").EnumerateArray().Select(e => e.GetInt64()));
        var output = body.GetProperty("outputs")[0];
        Assert.Equal("score", output.GetProperty("name").GetString());
        Assert.Equal([-1L, 1L], output.GetProperty("shape").EnumerateArray().Select(e => e.GetInt64()));
        Assert.Equal("CPUExecutionProvider", body.GetProperty("parameters").GetProperty("execution_provider").GetString());
        Assert.Equal(1024, body.GetProperty("parameters").GetProperty("max_batch_size").GetInt32());
    }

    [Theory]
    [InlineData("/v2/models/mlp/ready")]
    [InlineData("/v2/models/mlp/versions/1/ready")]
    public async Task Model_ready_answers_200_for_a_loaded_model(string path)
    {
        using var http = Server.CreateClient();

        using var response = await http.GetAsync(new Uri(path, UriKind.Relative));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.True((await ReadJsonAsync(response)).GetProperty("ready").GetBoolean());
    }

    [Theory]
    [InlineData("/v2/models/nope")]
    [InlineData("/v2/models/nope/ready")]
    [InlineData("/v2/models/mlp/versions/7")]
    [InlineData("/v2/models/mlp/versions/7/ready")]
    [InlineData("/v2/nothing-here")]
    public async Task Unknown_models_versions_and_paths_answer_404_with_a_protocol_error(string path)
    {
        using var http = Server.CreateClient();

        using var response = await http.GetAsync(new Uri(path, UriKind.Relative));

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.False(string.IsNullOrWhiteSpace((await ReadJsonAsync(response)).GetProperty("error").GetString()));
    }

    [Theory]
    [InlineData("/v2/models/mlp/infer")]
    [InlineData("/v2/models/mlp/versions/1/infer")]
    public async Task Json_inference_returns_the_mlp_scores_for_each_row_and_echoes_the_id(string path)
    {
        using var http = Server.CreateClient();
        var features = OipClient.Rows(5, seed: 1);

        using var response = await http.PostAsync(new Uri(path, UriKind.Relative), OipClient.JsonContent(OipClient.JsonRequest(features, id: "req-42")));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        var (header, scores) = await OipClient.ReadAsync(response);
        Assert.Equal("req-42", header.GetProperty("id").GetString());
        Assert.Equal("mlp", header.GetProperty("model_name").GetString());
        var output = header.GetProperty("outputs")[0];
        Assert.Equal("FP32", output.GetProperty("datatype").GetString());
        Assert.Equal([5L, 1L], output.GetProperty("shape").EnumerateArray().Select(e => e.GetInt64()));
        OipClient.AssertScoresMatchReference(features, scores);
    }

    [Fact]
    public async Task Nested_json_data_is_read_row_major()
    {
        using var http = Server.CreateClient();
        var features = OipClient.Rows(2, seed: 2);
        var rows = features.Chunk(8).Select(r => "[" + string.Join(",", r.Select(f => f.ToString("R", System.Globalization.CultureInfo.InvariantCulture))) + "]");
        var json = $"{{\"inputs\":[{{\"name\":\"features\",\"shape\":[2,8],\"datatype\":\"FP32\",\"data\":[{string.Join(",", rows)}]}}]}}";

        using var response = await http.PostAsync(new Uri("/v2/models/mlp/infer", UriKind.Relative), OipClient.JsonContent(json));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        OipClient.AssertScoresMatchReference(features, (await OipClient.ReadAsync(response)).Scores);
    }

    [Fact]
    public async Task Binary_inference_takes_raw_input_bytes_and_returns_raw_output_bytes()
    {
        using var http = Server.CreateClient();
        var features = OipClient.Rows(64, seed: 3);

        using var response = await http.PostAsync(new Uri("/v2/models/mlp/infer", UriKind.Relative), OipClient.BinaryContent(features));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/octet-stream", response.Content.Headers.ContentType?.MediaType);
        Assert.True(response.Headers.Contains(OipClient.HeaderLength));
        var (header, scores) = await OipClient.ReadAsync(response);
        Assert.Equal(256, header.GetProperty("outputs")[0].GetProperty("parameters").GetProperty("binary_data_size").GetInt32());
        OipClient.AssertScoresMatchReference(features, scores);
    }

    [Fact]
    public async Task Binary_input_can_ask_for_json_output()
    {
        using var http = Server.CreateClient();
        var features = OipClient.Rows(3, seed: 4);

        using var response = await http.PostAsync(new Uri("/v2/models/mlp/infer", UriKind.Relative), OipClient.BinaryContent(features, binaryOutput: false));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        OipClient.AssertScoresMatchReference(features, (await OipClient.ReadAsync(response)).Scores);
    }

    [Fact]
    public async Task Json_input_can_ask_for_binary_output_for_every_output()
    {
        using var http = Server.CreateClient();
        var features = OipClient.Rows(3, seed: 5);

        using var response = await http.PostAsync(new Uri("/v2/models/mlp/infer", UriKind.Relative), OipClient.JsonContent(OipClient.JsonRequest(features, binaryOutput: true)));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/octet-stream", response.Content.Headers.ContentType?.MediaType);
        OipClient.AssertScoresMatchReference(features, (await OipClient.ReadAsync(response)).Scores);
    }

    [Fact]
    public async Task Metrics_are_served_in_prometheus_format_per_model()
    {
        using var http = Server.CreateClient();
        using (await http.PostAsync(new Uri("/v2/models/mlp/infer", UriKind.Relative), OipClient.JsonContent(OipClient.JsonRequest(OipClient.Rows(2, 6)))))
        {
        }

        var text = await http.GetStringAsync(new Uri("/metrics", UriKind.Relative));

        Assert.Contains("cityfn_edge_requests_total{", text, StringComparison.Ordinal);
        Assert.Contains("model=\"mlp\"", text, StringComparison.Ordinal);
        Assert.Contains("cityfn_edge_batch_size_bucket{", text, StringComparison.Ordinal);
        Assert.Contains("cityfn_edge_queue_time_seconds_bucket{", text, StringComparison.Ordinal);
        Assert.Contains("cityfn_edge_compute_time_seconds_bucket{", text, StringComparison.Ordinal);
    }

    private static async Task<JsonElement> ReadJsonAsync(HttpResponseMessage response)
    {
        using (response)
        {
            return JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.Clone();
        }
    }
}
