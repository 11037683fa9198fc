using System.Text.Json;
using CityFn.Core.EdgeHosts;
using CityFn.Core.Scoring;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;

namespace CityFn.Functions;

/// <summary>
/// <c>POST /api/edge-hosts</c>: an edge host registers or heartbeats with a signed message (docs/edge-protocol.md).
/// <c>GET /api/edge-hosts</c>: the registered hosts with their last heartbeat, status (active, silent or
/// quarantined) and verification record (spot checks taken and failed, quarantine reason and evidence).
/// </summary>
public sealed class EdgeHostsFunction(EdgeHostRegistry registry, EdgeHostStatusReader status)
{
    [Function("RegisterEdgeHost")]
    public async Task<IActionResult> Register(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "edge-hosts")] HttpRequest request,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        SignedEdgeHostRegistration? signed;
        try
        {
            signed = await JsonSerializer.DeserializeAsync(request.Body, EdgeHostsJsonContext.Default.SignedEdgeHostRegistration, cancellationToken);
        }
        catch (JsonException exception)
        {
            return Result(EdgeHostRegistrationResult.Refused(EdgeHostRefusals.Invalid, $"The body is not a signed registration: {exception.Message}"));
        }

        if (signed?.Registration is null || signed.Signature is null)
        {
            return Result(EdgeHostRegistrationResult.Refused(EdgeHostRefusals.Invalid, "The body must be {\"registration\": {...}, \"signature\": \"0x...\"}."));
        }

        return Result(await registry.RegisterAsync(signed, cancellationToken));
    }

    [Function("ListEdgeHosts")]
    public async Task<IActionResult> List(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "edge-hosts")] HttpRequest request,
        CancellationToken cancellationToken) =>
        new JsonResult(await status.ListAsync(cancellationToken), ScoringJsonContext.Default.Options);

    private static JsonResult Result(EdgeHostRegistrationResult result) => new(result, EdgeHostsJsonContext.Default.Options)
    {
        StatusCode = result.Reason switch
        {
            null => StatusCodes.Status200OK,
            EdgeHostRefusals.Invalid => StatusCodes.Status400BadRequest,
            EdgeHostRefusals.Replayed => StatusCodes.Status409Conflict,
            _ => StatusCodes.Status401Unauthorized,
        },
    };
}
