using CityFn.Core.Dashboard;
using CityFn.Core.Ethereum;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;

namespace CityFn.Functions.Dashboard;

/// <summary>
/// The dashboard (docs/dashboard.md): <c>GET /api/dashboard</c> (the page), <c>GET /api/dashboard/{asset}</c> (its
/// script, stylesheet and icon) and the JSON the page reads under <c>/api/dashboard/data/</c>. The same routes,
/// bytes and JSON as <c>cityfn dashboard</c>, both answered by <see cref="DashboardService"/>.
/// </summary>
public sealed class DashboardFunctions(DashboardService dashboard)
{
    [Function("DashboardPage")]
    public IActionResult Page(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = DashboardHttp.PageRoute)] HttpRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);

        // The page links its assets and data relative to "…/dashboard"; with a trailing slash they would resolve one level too deep.
        if (request.Path.Value?.EndsWith('/') == true)
        {
            return new RedirectResult(request.Path.Value.TrimEnd('/') + request.QueryString, permanent: true);
        }

        return Asset(request, DashboardAssets.Page, DashboardHttp.PageCacheControl);
    }

    [Function("DashboardAsset")]
    public IActionResult GetAsset(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = DashboardHttp.AssetRoute)] HttpRequest request,
        string asset)
    {
        ArgumentNullException.ThrowIfNull(request);
        return DashboardAssets.Find(asset) is { } found
            ? Asset(request, found, DashboardHttp.AssetCacheControl)
            : new NotFoundObjectResult(new DashboardError("unknown_asset", $"The dashboard has no file '{asset}'."));
    }

    [Function("DashboardNetwork")]
    public async Task<IActionResult> Network(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = DashboardHttp.NetworkRoute)] HttpRequest request,
        CancellationToken cancellationToken) =>
        Data(request, await dashboard.NetworkAsync(cancellationToken), DashboardJsonContext.Default.NetworkView);

    [Function("DashboardSensors")]
    public async Task<IActionResult> Sensors(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = DashboardHttp.SensorsRoute)] HttpRequest request,
        CancellationToken cancellationToken) =>
        Data(request, await dashboard.SensorsAsync(cancellationToken), DashboardJsonContext.Default.SensorsView);

    [Function("DashboardAlerts")]
    public async Task<IActionResult> Alerts(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = DashboardHttp.AlertsRoute)] HttpRequest request,
        CancellationToken cancellationToken) =>
        Data(request, await dashboard.AlertsAsync(cancellationToken), DashboardJsonContext.Default.AlertsView);

    [Function("DashboardEpochs")]
    public async Task<IActionResult> Epochs(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = DashboardHttp.EpochsRoute)] HttpRequest request,
        CancellationToken cancellationToken) =>
        Data(request, await dashboard.EpochsAsync(cancellationToken), DashboardJsonContext.Default.EpochsView);

    [Function("DashboardContributor")]
    public async Task<IActionResult> Contributor(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = DashboardHttp.ContributorRoute)] HttpRequest request,
        string address,
        CancellationToken cancellationToken)
    {
        if (!EthAddress.TryParse(address, out var account, out var error))
        {
            var result = Data(request, new DashboardError("malformed_address", error), DashboardJsonContext.Default.DashboardError);
            result.StatusCode = StatusCodes.Status400BadRequest;
            return result;
        }

        return Data(request, await dashboard.ContributorAsync(account, cancellationToken), DashboardJsonContext.Default.ContributorView);
    }

    private static IActionResult Asset(HttpRequest request, DashboardAsset asset, string cacheControl)
    {
        var headers = request.HttpContext.Response.Headers;
        headers.CacheControl = cacheControl;
        headers.ETag = asset.ETag;
        headers.XContentTypeOptions = "nosniff";
        headers.ContentSecurityPolicy = DashboardHttp.ContentSecurityPolicy;
        return DashboardHttp.IsNotModified(request.Headers.IfNoneMatch, asset.ETag)
            ? new StatusCodeResult(StatusCodes.Status304NotModified)
            : new FileContentResult(asset.Content.ToArray(), asset.ContentType);
    }

    private static JsonResult Data<T>(HttpRequest request, T value, System.Text.Json.Serialization.Metadata.JsonTypeInfo<T> type)
    {
        ArgumentNullException.ThrowIfNull(request);
        request.HttpContext.Response.Headers.CacheControl = DashboardHttp.DataCacheControl;
        request.HttpContext.Response.Headers.XContentTypeOptions = "nosniff";
        return new JsonResult(value, type.Options);
    }
}
