using System.Text.Json;
using CityFn.Core.Devices;
using CityFn.Core.Ethereum;
using CityFn.Core.Ingest;
using CityFn.Core.Scoring;
using CityFn.Core.Scoring.Outputs;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;

namespace CityFn.Functions;

/// <summary>
/// POST /api/devices registers a device to an owner; GET /api/devices/{address} shows the registration with
/// the device's latest quality score and what ingest accepted and rejected from it (per reason code, summed over all capture files).
/// </summary>
public sealed class DevicesFunction(DeviceRegistrationService registrations, DeviceRegistryStore store, DeviceIngestStatsStore ingestStats, ScoreOutputWriter outputs)
{
    [Function("RegisterDevice")]
    public async Task<IActionResult> Register(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "devices")] HttpRequest request,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        DeviceRegistrationRequest? body;
        try
        {
            body = await JsonSerializer.DeserializeAsync(request.Body, DeviceJsonContext.Default.DeviceRegistrationRequest, cancellationToken);
        }
        catch (JsonException exception)
        {
            return Json(new DeviceRegistrationResult(false, "malformed_registration", exception.Message, null), StatusCodes.Status400BadRequest);
        }

        if (body is null)
        {
            return Json(new DeviceRegistrationResult(false, "malformed_registration", "the body must be a JSON object", null), StatusCodes.Status400BadRequest);
        }

        var result = await registrations.RegisterAsync(body, cancellationToken);
        var status = result.Stored ? StatusCodes.Status200OK
            : result.Reason == "stale_nonce" ? StatusCodes.Status409Conflict
            : StatusCodes.Status400BadRequest;
        return Json(result, status);
    }

    [Function("GetDevice")]
    public async Task<IActionResult> Get(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "devices/{address}")] HttpRequest request,
        string address,
        CancellationToken cancellationToken)
    {
        if (!EthAddress.TryParse(address, out var parsed))
        {
            return Json(new DeviceRegistrationResult(false, "malformed_registration", "the address must be 0x + 40 hex digits", null), StatusCodes.Status400BadRequest);
        }

        var device = parsed.ToLowerHex();
        var registration = await store.FindAsync(device, cancellationToken);
        if (registration is null)
        {
            return new NotFoundResult();
        }

        var view = DeviceRegistrationView.From(registration);
        var details = new DeviceDetails(
            view.Device, view.Owner, view.Kind, view.Lat, view.Lon, view.Segment, view.Nonce, view.RegisteredAt,
            await outputs.FindQualityAsync(device, cancellationToken), await ingestStats.ReadAsync(device, cancellationToken));
        return new JsonResult(details, ScoringJsonContext.Default.Options);
    }

    private static JsonResult Json(DeviceRegistrationResult result, int status) =>
        new(result, DeviceJsonContext.Default.Options) { StatusCode = status };
}
