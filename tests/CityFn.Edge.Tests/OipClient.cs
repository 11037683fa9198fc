using System.Buffers.Binary;
using System.Globalization;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;

namespace CityFn.Edge.Tests;

/// <summary>Builds OIP v2 requests the way a Triton / KServe client does, and reads responses.</summary>
public static class OipClient
{
    public const string HeaderLength = "Inference-Header-Content-Length";

    public static float[] Rows(int rows, int seed)
    {
        var random = new Random(seed);
        return [.. Enumerable.Range(0, rows * EdgeServer.Model.Features).Select(_ => (float)((random.NextDouble() * 4) - 2))];
    }

    public static string JsonRequest(float[] features, string? id = null, bool binaryOutput = false)
    {
        var rows = features.Length / EdgeServer.Model.Features;
        var data = string.Join(",", features.Select(f => f.ToString("R", CultureInfo.InvariantCulture)));
        var idPart = id is null ? "" : $"\"id\":\"{id}\",";
        var parameters = binaryOutput ? "\"parameters\":{\"binary_data_output\":true}," : "";
        return $"{{{idPart}{parameters}\"inputs\":[{{\"name\":\"features\",\"shape\":[{rows},{EdgeServer.Model.Features}],\"datatype\":\"FP32\",\"data\":[{data}]}}]}}";
    }

    public static HttpContent JsonContent(string json) => new StringContent(json, Encoding.UTF8, "application/json");

    /// <summary>Binary tensor data extension: JSON header, then the raw little-endian floats.</summary>
    public static HttpContent BinaryContent(float[] features, string? id = null, bool binaryOutput = true)
    {
        var rows = features.Length / EdgeServer.Model.Features;
        var idPart = id is null ? "" : $"\"id\":\"{id}\",";
        var outputs = binaryOutput ? ",\"outputs\":[{\"name\":\"score\",\"parameters\":{\"binary_data\":true}}]" : "";
        var header = Encoding.UTF8.GetBytes(
            $"{{{idPart}\"inputs\":[{{\"name\":\"features\",\"shape\":[{rows},{EdgeServer.Model.Features}],\"datatype\":\"FP32\",\"parameters\":{{\"binary_data_size\":{features.Length * 4}}}}}]{outputs}}}");
        var body = new byte[header.Length + (features.Length * 4)];
        header.CopyTo(body, 0);
        FloatBytes(features).CopyTo(body, header.Length);
        var content = new ByteArrayContent(body);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
        content.Headers.Add(HeaderLength, header.Length.ToString(CultureInfo.InvariantCulture));
        return content;
    }

    public static byte[] FloatBytes(float[] values)
    {
        var bytes = new byte[values.Length * 4];
        for (var i = 0; i < values.Length; i++)
        {
            BinaryPrimitives.WriteSingleLittleEndian(bytes.AsSpan(i * 4), values[i]);
        }

        return bytes;
    }

    /// <summary>The response's JSON header, and the first output's scores (from JSON data or binary data).</summary>
    public static async Task<(JsonElement Header, float[] Scores)> ReadAsync(HttpResponseMessage response)
    {
        var body = await response.Content.ReadAsByteArrayAsync();
        var headerLength = response.Headers.TryGetValues(HeaderLength, out var values) ? int.Parse(values.Single(), CultureInfo.InvariantCulture) : body.Length;
        var header = JsonDocument.Parse(body.AsMemory(0, headerLength)).RootElement.Clone();
        var output = header.GetProperty("outputs")[0];
        if (output.TryGetProperty("data", out var data))
        {
            return (header, [.. data.EnumerateArray().Select(e => e.GetSingle())]);
        }

        var size = output.GetProperty("parameters").GetProperty("binary_data_size").GetInt32();
        var scores = new float[size / 4];
        for (var i = 0; i < scores.Length; i++)
        {
            scores[i] = BinaryPrimitives.ReadSingleLittleEndian(body.AsSpan(headerLength + (i * 4)));
        }

        return (header, scores);
    }

    public static void AssertScoresMatchReference(float[] features, float[] scores)
    {
        var expected = EdgeServer.Model.Evaluate(features);
        Assert.Equal(expected.Length, scores.Length);
        for (var i = 0; i < expected.Length; i++)
        {
            Assert.InRange(scores[i], expected[i] - 1e-5f, expected[i] + 1e-5f);
        }
    }
}
