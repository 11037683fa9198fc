using System.Reflection;
using System.Text.Json;
using Azure.Data.Tables;
using Azure.Storage.Blobs;
using Azure.Storage.Queues;
using CityFn.Core.Dashboard;
using CityFn.Core.Rewards.Settlement;
using CityFn.Functions.Dashboard;
using CityFn.LocalDev;
using CityFn.TestSupport;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace CityFn.Functions.Tests.Dashboard;

[Collection(AzuriteCollection.Name)]
public sealed class DashboardFunctionsTests(AzuriteFixture azurite)
{
    [Fact]
    public void The_dashboard_routes_are_anonymous_GETs_and_no_HTTP_route_of_the_app_can_shadow_another()
    {
        var routes = ReadMetadata().EnumerateArray()
            .SelectMany(f => f.GetProperty("bindings").EnumerateArray()
                .Where(b => b.GetProperty("type").GetString() == "httpTrigger")
                .Select(b => (Name: f.GetProperty("name").GetString()!, Binding: b)))
            .ToList();
        var dashboard = routes.Where(r => r.Name.StartsWith("Dashboard", StringComparison.Ordinal)).ToDictionary(r => r.Name, r => r.Binding);

        Assert.Equal("dashboard", dashboard["DashboardPage"].GetProperty("route").GetString());
        Assert.Equal("dashboard/{asset}", dashboard["DashboardAsset"].GetProperty("route").GetString());
        Assert.Equal("dashboard/data/contributors/{address}", dashboard["DashboardContributor"].GetProperty("route").GetString());
        Assert.Equal(7, dashboard.Count);
        Assert.All(dashboard.Values, b =>
        {
            Assert.Equal("Anonymous", b.GetProperty("authLevel").GetString());
            Assert.Equal(["get"], b.GetProperty("methods").EnumerateArray().Select(m => m.GetString()));
        });

        // The Functions host tries overlapping routes in function-name order, not literal-first (azure-functions-host#9876).
        var templates = routes.Select(r => (
            r.Name,
            Segments: r.Binding.GetProperty("route").GetString()!.Split('/'),
            Methods: r.Binding.GetProperty("methods").EnumerateArray().Select(m => m.GetString()!.ToUpperInvariant()).ToHashSet())).ToList();
        foreach (var a in templates)
        {
            foreach (var b in templates.Where(b => string.CompareOrdinal(a.Name, b.Name) < 0 && b.Segments.Length == a.Segments.Length && b.Methods.Overlaps(a.Methods)))
            {
                var overlap = a.Segments.Zip(b.Segments).All(p => p.First == p.Second || p.First.StartsWith('{') || p.Second.StartsWith('{'));
                Assert.False(overlap, $"{a.Name} ({string.Join('/', a.Segments)}) and {b.Name} ({string.Join('/', b.Segments)}) match the same paths.");
            }
        }
    }

    [Fact]
    public void The_page_is_html_with_its_etag_and_a_matching_If_None_Match_is_a_304()
    {
        var function = Function();
        var first = new DefaultHttpContext();
        first.Request.Path = "/api/dashboard";
        var second = new DefaultHttpContext();
        second.Request.Path = "/api/dashboard";
        second.Request.Headers.IfNoneMatch = DashboardAssets.Page.ETag;

        var page = Assert.IsType<FileContentResult>(function.Page(first.Request));
        var cached = Assert.IsType<StatusCodeResult>(function.Page(second.Request));

        Assert.Equal("text/html; charset=utf-8", page.ContentType);
        Assert.Contains("<title>CityFn dashboard</title>", System.Text.Encoding.UTF8.GetString(page.FileContents), StringComparison.Ordinal);
        Assert.Equal(DashboardHttp.PageCacheControl, first.Response.Headers.CacheControl.ToString());
        Assert.Equal(DashboardHttp.ContentSecurityPolicy, first.Response.Headers.ContentSecurityPolicy.ToString());
        Assert.Equal(StatusCodes.Status304NotModified, cached.StatusCode);
    }

    [Theory]
    [InlineData("dashboard.js", "text/javascript; charset=utf-8")]
    [InlineData("dashboard.css", "text/css; charset=utf-8")]
    [InlineData("icon.svg", "image/svg+xml")]
    public void Assets_have_their_content_type_and_an_hour_of_caching(string asset, string contentType)
    {
        var context = new DefaultHttpContext();

        var result = Assert.IsType<FileContentResult>(Function().GetAsset(context.Request, asset));

        Assert.Equal(contentType, result.ContentType);
        Assert.Equal(DashboardHttp.AssetCacheControl, context.Response.Headers.CacheControl.ToString());
        Assert.NotEmpty(result.FileContents);
    }

    [Theory]
    [InlineData("index.html")]
    [InlineData("../CityFn.Core.dll")]
    [InlineData("Dashboard.js")]
    public void Anything_but_an_asset_name_is_a_404(string asset)
    {
        var result = Assert.IsType<NotFoundObjectResult>(Function().GetAsset(new DefaultHttpContext().Request, asset));

        Assert.Equal("unknown_asset", Assert.IsType<DashboardError>(result.Value).Error);
    }

    [Fact]
    public async Task A_malformed_contributor_address_is_a_400_that_says_why()
    {
        var result = Assert.IsType<JsonResult>(await Function().Contributor(new DefaultHttpContext().Request, "0x12", CancellationToken.None));

        Assert.Equal(StatusCodes.Status400BadRequest, result.StatusCode);
        Assert.Equal("malformed_address", Assert.IsType<DashboardError>(result.Value).Error);
    }

    [Fact]
    public async Task The_epochs_route_answers_an_empty_list_before_the_first_settlement()
    {
        var context = new DefaultHttpContext();

        var result = Assert.IsType<JsonResult>(await Function().Epochs(context.Request, CancellationToken.None));

        Assert.Empty(Assert.IsType<EpochsView>(result.Value).Epochs);
        Assert.Equal(DashboardHttp.DataCacheControl, context.Response.Headers.CacheControl.ToString());
    }

    private DashboardFunctions Function()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection().Build();
        var services = new ServiceCollection()
            .AddSingleton<IConfiguration>(configuration)
            .AddSingleton(new TableServiceClient(azurite.ConnectionString))
            .AddSingleton(new BlobServiceClient(azurite.ConnectionString))
            .AddSingleton(new QueueServiceClient(azurite.ConnectionString))
            .AddCityFnSettlement()
            .AddCityFnDashboard()
            .BuildServiceProvider();
        return ActivatorUtilities.CreateInstance<DashboardFunctions>(services);
    }

    private static JsonElement ReadMetadata()
    {
        var configuration = typeof(DashboardFunctionsTests).Assembly.GetCustomAttribute<AssemblyConfigurationAttribute>()!.Configuration;
        var path = Path.Combine(RepositoryRoot.Find(), "functions", "CityFn.Functions", "bin", configuration, "net10.0", "functions.metadata");
        using var document = JsonDocument.Parse(File.ReadAllText(path));
        return document.RootElement.Clone();
    }
}
