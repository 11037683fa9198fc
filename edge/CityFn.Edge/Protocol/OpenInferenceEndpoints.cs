using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using CityFn.Core.EdgeHosts;
using CityFn.Edge.Batching;
using CityFn.Edge.Models;
using CityFn.Edge.Telemetry;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Options;

namespace CityFn.Edge.Protocol;

/// <summary>The Open Inference Protocol v2 REST endpoints (KServe / Triton), JSON and binary tensor data.</summary>
public static class OpenInferenceEndpoints
{
    public const string ServerName = "cityfn-edge";

    public static readonly IReadOnlyList<string> Extensions = ["binary_tensor_data", "cityfn_signed_responses"];

    public static IEndpointRouteBuilder MapOpenInference(this IEndpointRouteBuilder endpoints)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        endpoints.MapGet("/v2/health/live", (HttpContext context) => WriteJsonAsync(context, 200, new LiveResponse(true), ProtocolJsonContext.Default.LiveResponse));
        endpoints.MapGet("/v2/health/ready", (HttpContext context, IHostApplicationLifetime lifetime) =>
        {
            var ready = !lifetime.ApplicationStopping.IsCancellationRequested;
            return WriteJsonAsync(context, ready ? 200 : 503, new ReadyResponse(ready), ProtocolJsonContext.Default.ReadyResponse);
        });
        endpoints.MapGet("/v2", (HttpContext context, OperatorKey key) =>
            WriteJsonAsync(context, 200, new ServerMetadata(ServerName, typeof(OpenInferenceEndpoints).Assembly.GetName().Version?.ToString(3) ?? "0.0.0", Extensions, key.Address), ProtocolJsonContext.Default.ServerMetadata));

        endpoints.MapGet("/v2/models/{name}", (HttpContext context, string name, ModelRepository models) => ModelMetadataAsync(context, models, name, null));
        endpoints.MapGet("/v2/models/{name}/versions/{version}", (HttpContext context, string name, string version, ModelRepository models) => ModelMetadataAsync(context, models, name, version));
        endpoints.MapGet("/v2/models/{name}/ready", (HttpContext context, string name, ModelRepository models) => ModelReadyAsync(context, models, name, null));
        endpoints.MapGet("/v2/models/{name}/versions/{version}/ready", (HttpContext context, string name, string version, ModelRepository models) => ModelReadyAsync(context, models, name, version));
        endpoints.MapPost("/v2/models/{name}/infer", (HttpContext context, string name) => InferAsync(context, name, null));
        endpoints.MapPost("/v2/models/{name}/versions/{version}/infer", (HttpContext context, string name, string version) => InferAsync(context, name, version));
        endpoints.MapFallback((HttpContext context) =>
            WriteErrorAsync(context, new ProtocolException(404, $"No endpoint {context.Request.Method} {context.Request.Path}; see /v2 for this server's protocol.")));
        return endpoints;
    }

    private static Task ModelMetadataAsync(HttpContext context, ModelRepository models, string name, string? version)
    {
        var model = models.Find(name, version);
        if (model is null)
        {
            return WriteErrorAsync(context, UnknownModel(name, version));
        }

        var metadata = new ModelMetadata(
            model.Name,
            [model.Version],
            "onnxruntime_onnx",
            [.. model.Inputs.Select(t => new TensorMetadata(t.Name, t.DataType.Name, t.Shape))],
            [.. model.Outputs.Select(t => new TensorMetadata(t.Name, t.DataType.Name, t.Shape))],
            new ModelParameters(model.ExecutionProvider, model.Config.MaxBatchSize, model.Config.MaxQueueDelayMs, model.Config.MaxQueueSize));
        return WriteJsonAsync(context, 200, metadata, ProtocolJsonContext.Default.ModelMetadata);
    }

    private static Task ModelReadyAsync(HttpContext context, ModelRepository models, string name, string? version)
    {
        var model = models.Find(name, version);
        return model is null
            ? WriteErrorAsync(context, UnknownModel(name, version))
            : WriteJsonAsync(context, 200, new ModelReadyResponse(model.Name, true), ProtocolJsonContext.Default.ModelReadyResponse);
    }

    private static async Task InferAsync(HttpContext context, string name, string? version)
    {
        var services = context.RequestServices;
        var metrics = services.GetRequiredService<EdgeMetrics>();
        var model = services.GetRequiredService<ModelRepository>().Find(name, version);
        try
        {
            if (model is null)
            {
                throw UnknownModel(name, version);
            }

            var options = services.GetRequiredService<IOptions<EdgeHostOptions>>().Value;
            using var arrival = services.GetRequiredService<BatchingService>().For(model).BeginArrival();
            var body = await ReadBodyAsync(context, options.MaxRequestBytes);
            var request = InferRequestReader.Read(body, HeaderLength(context.Request));
            var work = InferenceWorkFactory.Create(model, request);
            var outcome = arrival.Enqueue(work);
            if (outcome != EnqueueOutcome.Queued)
            {
                throw outcome == EnqueueOutcome.QueueFull
                    ? new ProtocolException(429, $"Model {model.Name}'s queue is full ({model.Config.MaxQueueSize} requests); retry shortly or use another host.")
                    : new ProtocolException(503, "The host is shutting down.");
            }

            InferenceOutput[] results;
            try
            {
                results = await work.Completion.Task;
            }
            catch (InferenceFailedException exception)
            {
                throw new ProtocolException(500, exception.Message);
            }

            var selected = SelectOutputs(model, request, results);
            var id = request.Id ?? Guid.NewGuid().ToString("N");
            var digest = InferenceAttestation.Digest(id, [.. request.Inputs.Select(i => i.Data)], [.. selected.Select(s => (ReadOnlyMemory<byte>)s.Output.Data)]);
            var key = services.GetRequiredService<OperatorKey>();
            var signature = key.SignDigest(digest);
            var written = InferResponseWriter.Write(model.Name, model.Version, id, selected);

            var response = context.Response;
            response.StatusCode = 200;
            response.Headers[InferenceAttestation.SignatureHeader] = "0x" + Convert.ToHexStringLower(signature);
            response.Headers[InferenceAttestation.SignerHeader] = key.Address;
            if (written.JsonHeaderLength is { } headerLength)
            {
                response.ContentType = "application/octet-stream";
                response.Headers[InferRequestReader.HeaderLengthHeader] = headerLength.ToString(System.Globalization.CultureInfo.InvariantCulture);
            }
            else
            {
                response.ContentType = "application/json";
            }

            response.ContentLength = written.Body.Length;
            metrics.RecordRequest(model.Name, "ok");
            await response.Body.WriteAsync(written.Body, context.RequestAborted);
        }
        catch (ProtocolException exception)
        {
            metrics.RecordRequest(model?.Name ?? "", exception.Outcome);
            await WriteErrorAsync(context, exception);
        }
    }

    private static List<(InferenceOutput Output, bool Binary)> SelectOutputs(OnnxModel model, InferRequest request, InferenceOutput[] results)
    {
        if (request.Outputs is null)
        {
            return [.. results.Select(r => (r, request.BinaryOutputs))];
        }

        var selected = new List<(InferenceOutput, bool)>();
        foreach (var wanted in request.Outputs)
        {
            var result = results.FirstOrDefault(r => r.Spec.Name == wanted.Name)
                ?? throw new ProtocolException(400, $"Model {model.Name} has no output {wanted.Name}; its outputs are {string.Join(", ", model.Outputs.Select(o => o.Name))}.");
            selected.Add((result, wanted.Binary));
        }

        return selected;
    }

    private static int? HeaderLength(HttpRequest request)
    {
        if (!request.Headers.TryGetValue(InferRequestReader.HeaderLengthHeader, out var value))
        {
            return null;
        }

        return int.TryParse(value.ToString(), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var length)
            ? length
            : throw new ProtocolException(400, $"{InferRequestReader.HeaderLengthHeader} must be a non-negative integer.");
    }

    private static async Task<byte[]> ReadBodyAsync(HttpContext context, int maxBytes)
    {
        var request = context.Request;
        if (request.ContentLength > maxBytes)
        {
            throw TooLarge(maxBytes);
        }

        if (context.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } limit)
        {
            limit.MaxRequestBodySize = maxBytes;
        }

        try
        {
            if (request.ContentLength is { } length)
            {
                var body = new byte[length];
                await request.Body.ReadExactlyAsync(body, context.RequestAborted);
                return body;
            }

            using var buffer = new MemoryStream();
            await request.Body.CopyToAsync(buffer, context.RequestAborted);
            return buffer.Length > maxBytes ? throw TooLarge(maxBytes) : buffer.ToArray();
        }
        catch (BadHttpRequestException exception) when (exception.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            throw TooLarge(maxBytes);
        }
    }

    private static ProtocolException TooLarge(int maxBytes) => new(413, $"The request body is larger than this host accepts ({maxBytes} bytes); send fewer rows per request.");

    private static ProtocolException UnknownModel(string name, string? version) =>
        new(404, version is null ? $"Unknown model {name}." : $"Unknown model {name} version {version}.");

    private static Task WriteErrorAsync(HttpContext context, ProtocolException exception) =>
        WriteJsonAsync(context, exception.StatusCode, new ErrorResponse(exception.Message), ProtocolJsonContext.Default.ErrorResponse);

    private static async Task WriteJsonAsync<T>(HttpContext context, int statusCode, T value, JsonTypeInfo<T> typeInfo)
    {
        context.Response.StatusCode = statusCode;
        context.Response.ContentType = "application/json";
        await JsonSerializer.SerializeAsync(context.Response.Body, value, typeInfo, context.RequestAborted);
    }
}
