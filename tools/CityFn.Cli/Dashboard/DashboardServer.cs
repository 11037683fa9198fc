using System.Globalization;
using System.Net;
using System.Text.Json.Serialization.Metadata;
using Azure.Data.Tables;
using Azure.Storage.Blobs;
using Azure.Storage.Queues;
using CityFn.Core.Dashboard;
using CityFn.Core.Ethereum;
using CityFn.Core.Rewards.Settlement;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace CityFn.Cli.Dashboard;

/// <summary>
/// Where the dashboard reads from: a storage account (Azurite locally) and, for the contributor lookup's claim
/// status, the chain with its RewardDistributor. Without a chain the page still shows everything else and says
/// why the claim status is missing.
/// </summary>
public sealed record DashboardSettings(string StorageConnectionString, string? RpcUrl = null, long ChainId = 31337, string? DistributorAddress = null);

/// <summary>
/// The dashboard served by a small Kestrel app on 127.0.0.1, with the same routes, bytes and JSON as the Functions
/// app (docs/dashboard.md). Use:
/// <code>
/// await using var server = await DashboardServer.StartAsync(new DashboardSettings(connectionString, rpcUrl, chainId, distributor), port: 0);
/// Console.WriteLine(server.PageUrl);   // http://127.0.0.1:PORT/api/dashboard
/// await server.StopAsync();            // or dispose
/// </code>
/// Port 0 picks a free port. The server owns its storage and chain clients and releases them when stopped.
/// </summary>
public sealed class DashboardServer : IAsyncDisposable
{
    private readonly WebApplication _app;
    private bool _stopped;

    private DashboardServer(WebApplication app, Uri baseUrl)
    {
        _app = app;
        BaseUrl = baseUrl;
    }

    /// <summary>The server's root, e.g. http://127.0.0.1:5123/ (it redirects to the page).</summary>
    public Uri BaseUrl { get; }

    /// <summary>The page: <see cref="BaseUrl"/> + api/dashboard.</summary>
    public Uri PageUrl => new(BaseUrl, "api/" + DashboardHttp.PageRoute);

    /// <summary>Starts listening on 127.0.0.1:<paramref name="port"/> (0: a free port) and returns once it accepts requests.</summary>
    public static async Task<DashboardServer> StartAsync(DashboardSettings settings, int port = 0, ILoggerProvider? logs = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(settings);
        ArgumentOutOfRangeException.ThrowIfNegative(port);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(port, 65535);
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { ContentRootPath = AppContext.BaseDirectory });
        builder.WebHost.UseKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, port));
        builder.Logging.ClearProviders();
        if (logs is not null)
        {
            builder.Logging.AddProvider(logs);
        }

        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Chain:RpcUrl"] = settings.RpcUrl ?? "",
            ["Chain:ChainId"] = settings.ChainId.ToString(CultureInfo.InvariantCulture),
            ["Chain:DistributorAddress"] = settings.DistributorAddress ?? "",
        });
        builder.Services
            .AddSingleton(new TableServiceClient(settings.StorageConnectionString))
            .AddSingleton(new BlobServiceClient(settings.StorageConnectionString))
            .AddSingleton(new QueueServiceClient(settings.StorageConnectionString))
            .AddCityFnSettlement()
            .AddCityFnDashboard();

        var app = builder.Build();
        MapRoutes(app);
        await app.StartAsync(cancellationToken);
        var address = app.Urls.First();
        return new DashboardServer(app, new Uri(address.EndsWith('/') ? address : address + "/"));
    }

    public async Task StopAsync(CancellationToken cancellationToken = default)
    {
        if (_stopped)
        {
            return;
        }

        _stopped = true;
        await _app.StopAsync(cancellationToken);
        await _app.DisposeAsync();
    }

    public async ValueTask DisposeAsync() => await StopAsync();

    private static void MapRoutes(WebApplication app)
    {
        app.MapGet("/", () => Results.Redirect("/api/" + DashboardHttp.PageRoute));
        // Routing matches "/api/dashboard/" here too; the page's relative URLs need the form without the slash.
        app.MapGet("/api/" + DashboardHttp.PageRoute, (HttpContext context) => context.Request.Path.Value!.EndsWith('/')
            ? Results.Redirect(context.Request.Path.Value.TrimEnd('/') + context.Request.QueryString, permanent: true)
            : Asset(context, DashboardAssets.Page, DashboardHttp.PageCacheControl));
        app.MapGet("/api/" + DashboardHttp.AssetRoute, (HttpContext context, string asset) =>
            DashboardAssets.Find(asset) is { } found
                ? Asset(context, found, DashboardHttp.AssetCacheControl)
                : Data(context, new DashboardError("unknown_asset", $"The dashboard has no file '{asset}'."), DashboardJsonContext.Default.DashboardError, StatusCodes.Status404NotFound));
        app.MapGet("/api/" + DashboardHttp.NetworkRoute, async (HttpContext context, DashboardService dashboard) =>
            Data(context, await dashboard.NetworkAsync(context.RequestAborted), DashboardJsonContext.Default.NetworkView));
        app.MapGet("/api/" + DashboardHttp.SensorsRoute, async (HttpContext context, DashboardService dashboard) =>
            Data(context, await dashboard.SensorsAsync(context.RequestAborted), DashboardJsonContext.Default.SensorsView));
        app.MapGet("/api/" + DashboardHttp.AlertsRoute, async (HttpContext context, DashboardService dashboard) =>
            Data(context, await dashboard.AlertsAsync(context.RequestAborted), DashboardJsonContext.Default.AlertsView));
        app.MapGet("/api/" + DashboardHttp.EpochsRoute, async (HttpContext context, DashboardService dashboard) =>
            Data(context, await dashboard.EpochsAsync(context.RequestAborted), DashboardJsonContext.Default.EpochsView));
        app.MapGet("/api/" + DashboardHttp.ContributorRoute, async (HttpContext context, DashboardService dashboard, string address) =>
            EthAddress.TryParse(address, out var account, out var error)
                ? Data(context, await dashboard.ContributorAsync(account, context.RequestAborted), DashboardJsonContext.Default.ContributorView)
                : Data(context, new DashboardError("malformed_address", error), DashboardJsonContext.Default.DashboardError, StatusCodes.Status400BadRequest));
    }

    private static IResult Asset(HttpContext context, DashboardAsset asset, string cacheControl)
    {
        var headers = context.Response.Headers;
        headers.CacheControl = cacheControl;
        headers.ETag = asset.ETag;
        headers.XContentTypeOptions = "nosniff";
        headers.ContentSecurityPolicy = DashboardHttp.ContentSecurityPolicy;
        return DashboardHttp.IsNotModified(context.Request.Headers.IfNoneMatch, asset.ETag)
            ? Results.StatusCode(StatusCodes.Status304NotModified)
            : Results.Bytes(asset.Content, asset.ContentType);
    }

    private static IResult Data<T>(HttpContext context, T value, JsonTypeInfo<T> type, int status = StatusCodes.Status200OK)
    {
        context.Response.Headers.CacheControl = DashboardHttp.DataCacheControl;
        context.Response.Headers.XContentTypeOptions = "nosniff";
        return Results.Json(value, type, statusCode: status);
    }
}
