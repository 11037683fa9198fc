using System.Buffers.Binary;
using System.Globalization;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using CityFn.Core.EdgeHosts;

namespace CityFn.Core.Scoring.Hosts;

/// <summary>
/// Open Inference Protocol v2 client with the binary tensor extension: one FP32 input in, the named output
/// back as binary. Every answer must carry a signature that recovers to the host's registered address,
/// over exactly these bytes; anything else is a failed call.
/// </summary>
public sealed class OipInferenceClient(HttpClient http)
{
    public const string HeaderLengthHeader = "Inference-Header-Content-Length";

    public async Task<SignedInference> InferAsync(string hostAddress, Uri baseUrl, InferenceCall call, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(baseUrl);
        ArgumentNullException.ThrowIfNull(call);
        var started = System.Diagnostics.Stopwatch.GetTimestamp();
        var header = Encoding.UTF8.GetBytes(string.Create(CultureInfo.InvariantCulture,
            $"{{\"id\":{JsonSerializer.Serialize(call.RequestId, ScoringJsonContext.Default.String)},\"inputs\":[{{\"name\":{JsonSerializer.Serialize(call.InputName, ScoringJsonContext.Default.String)},\"shape\":[{call.Rows},{call.Columns}],\"datatype\":\"FP32\",\"parameters\":{{\"binary_data_size\":{call.Input.Length}}}}}],\"outputs\":[{{\"name\":{JsonSerializer.Serialize(call.OutputName, ScoringJsonContext.Default.String)},\"parameters\":{{\"binary_data\":true}}}}]}}"));
        var body = new byte[header.Length + call.Input.Length];
        header.CopyTo(body, 0);
        call.Input.CopyTo(body, header.Length);
        using var content = new ByteArrayContent(body);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
        content.Headers.Add(HeaderLengthHeader, header.Length.ToString(CultureInfo.InvariantCulture));
        var url = new Uri(baseUrl, $"v2/models/{Uri.EscapeDataString(call.Model)}/infer");

        HttpResponseMessage response;
        try
        {
            response = await http.PostAsync(url, content, cancellationToken);
        }
        catch (HttpRequestException exception)
        {
            throw new EdgeCallException(hostAddress, $"unreachable ({exception.Message})", exception);
        }

        using (response)
        {
            var bytes = await response.Content.ReadAsByteArrayAsync(cancellationToken);
            if (!response.IsSuccessStatusCode)
            {
                throw new EdgeCallException(hostAddress, $"answered {(int)response.StatusCode}: {Encoding.UTF8.GetString(bytes.AsSpan(0, Math.Min(bytes.Length, 300)))}");
            }

            var (output, shape) = ReadOutput(hostAddress, response, bytes, call);
            var signature = response.Headers.TryGetValues(InferenceAttestation.SignatureHeader, out var values)
                ? OperatorKey.TryParseSignature(values.FirstOrDefault())
                : null;
            if (signature is null)
            {
                throw new EdgeCallException(hostAddress, "the response carries no CityFn-Signature");
            }

            var digest = InferenceAttestation.Digest(call.RequestId, [call.Input], [output]);
            var signer = OperatorKey.TryRecoverAddress(digest, signature);
            if (!string.Equals(signer, hostAddress, StringComparison.OrdinalIgnoreCase))
            {
                throw new EdgeCallException(hostAddress, $"the response is signed by {signer ?? "nobody"}, not by the registered host");
            }

            return new SignedInference(hostAddress.ToLowerInvariant(), call.RequestId, call.Input, output, shape, signature,
                System.Diagnostics.Stopwatch.GetElapsedTime(started));
        }
    }

    private static (byte[] Output, long[] Shape) ReadOutput(string host, HttpResponseMessage response, byte[] body, InferenceCall call)
    {
        var headerLength = body.Length;
        if (response.Headers.TryGetValues(HeaderLengthHeader, out var values)
            && !int.TryParse(values.FirstOrDefault(), NumberStyles.None, CultureInfo.InvariantCulture, out headerLength))
        {
            throw new EdgeCallException(host, $"bad {HeaderLengthHeader}");
        }

        if (headerLength > body.Length)
        {
            throw new EdgeCallException(host, "the response is shorter than its JSON header length");
        }

        try
        {
            using var document = JsonDocument.Parse(body.AsMemory(0, headerLength));
            var offset = headerLength;
            foreach (var output in document.RootElement.GetProperty("outputs").EnumerateArray())
            {
                var size = output.TryGetProperty("parameters", out var parameters) && parameters.TryGetProperty("binary_data_size", out var s) ? s.GetInt32() : 0;
                if (output.GetProperty("name").GetString() != call.OutputName)
                {
                    offset += size;
                    continue;
                }

                var shape = output.GetProperty("shape").EnumerateArray().Select(d => d.GetInt64()).ToArray();
                if (output.GetProperty("datatype").GetString() != "FP32" || shape.Length == 0 || shape[0] != call.Rows)
                {
                    throw new EdgeCallException(host, $"output {call.OutputName} is not FP32 with {call.Rows} rows");
                }

                if (size <= 0 || offset + size > body.Length || size != shape.Aggregate(1L, (a, b) => a * b) * sizeof(float))
                {
                    throw new EdgeCallException(host, $"output {call.OutputName} is not binary data of its shape's size");
                }

                return (body.AsSpan(offset, size).ToArray(), shape);
            }
        }
        catch (Exception exception) when (exception is JsonException or KeyNotFoundException or InvalidOperationException or FormatException)
        {
            throw new EdgeCallException(host, $"the response is not an OIP v2 infer response ({exception.Message})", exception);
        }

        throw new EdgeCallException(host, $"the response has no output {call.OutputName}");
    }

    /// <summary>FP32 little-endian bytes to floats.</summary>
    public static float[] Floats(ReadOnlySpan<byte> bytes)
    {
        var values = new float[bytes.Length / sizeof(float)];
        for (var i = 0; i < values.Length; i++)
        {
            values[i] = BinaryPrimitives.ReadSingleLittleEndian(bytes[(i * sizeof(float))..]);
        }

        return values;
    }
}
