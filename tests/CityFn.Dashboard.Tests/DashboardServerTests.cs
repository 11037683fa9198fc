using System.Net;
using System.Text.Json;
using Azure.Data.Tables;
using Azure.Storage.Blobs;
using CityFn.Core.Dashboard;
using CityFn.Core.Rewards.Settlement;

namespace CityFn.Dashboard.Tests;

/// <summary>The routes of <c>cityfn dashboard</c>: content types, caching, and errors that say why.</summary>
[Collection(SeededCityCollection.Name)]
public sealed class DashboardServerTests(SeededCityFixture city)
{
    private readonly HttpClient _http = new(new HttpClientHandler { AllowAutoRedirect = false }) { BaseAddress = city.Server.BaseUrl };

    [Fact]
    public async Task The_page_is_html_revalidated_by_its_etag_under_a_policy_that_allows_only_its_own_origin()
    {
        using var page = await _http.GetAsync("api/dashboard");
        using var again = await _http.SendAsync(new HttpRequestMessage(HttpMethod.Get, "api/dashboard") { Headers = { { "If-None-Match", page.Headers.ETag!.Tag } } });

        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        Assert.Equal("text/html; charset=utf-8", page.Content.Headers.ContentType!.ToString());
        Assert.True(page.Headers.CacheControl!.NoCache);
        Assert.Contains("default-src 'none'", page.Headers.GetValues("Content-Security-Policy").Single(), StringComparison.Ordinal);
        var html = await page.Content.ReadAsStringAsync();
        Assert.Matches("dashboard/dashboard\\.js\\?v=[0-9a-f]{12}", html);
        Assert.DoesNotContain("__ASSET_VERSION__", html, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.NotModified, again.StatusCode);
    }

    [Theory]
    [InlineData("dashboard.js", "text/javascript; charset=utf-8")]
    [InlineData("dashboard.css", "text/css; charset=utf-8")]
    [InlineData("icon.svg", "image/svg+xml")]
    public async Task Assets_have_their_content_type_and_are_cached_for_an_hour(string asset, string contentType)
    {
        using var response = await _http.GetAsync("api/dashboard/" + asset);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(contentType, response.Content.Headers.ContentType!.ToString());
        Assert.Equal(TimeSpan.FromHours(1), response.Headers.CacheControl!.MaxAge);
        Assert.Equal(DashboardAssets.Find(asset)!.Content.ToArray(), await response.Content.ReadAsByteArrayAsync());
    }

    [Fact]
    public async Task An_unknown_asset_is_a_404_and_a_trailing_slash_redirects_to_the_page()
    {
        using var missing = await _http.GetAsync("api/dashboard/index.html");
        using var slash = await _http.GetAsync("api/dashboard/");

        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
        Assert.Contains("unknown_asset", await missing.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.MovedPermanently, slash.StatusCode);
        Assert.Equal("/api/dashboard", slash.Headers.Location!.ToString());
    }

    [Fact]
    public async Task The_network_route_joins_each_segment_with_its_latest_forecast_and_is_never_cached()
    {
        using var response = await _http.GetAsync("api/dashboard/data/network");
        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync());

        Assert.Equal("application/json; charset=utf-8", response.Content.Headers.ContentType!.ToString());
        Assert.True(response.Headers.CacheControl!.NoStore);
        var root = json.RootElement;
        Assert.Equal("Europe/Amsterdam", root.GetProperty("timeZone").GetString());
        Assert.Equal(3, root.GetProperty("forecasts").GetInt32());
        var segments = root.GetProperty("segments").EnumerateArray().ToDictionary(s => s.GetProperty("id").GetString()!);
        Assert.Equal(24, segments.Count);
        Assert.Equal(0.86, segments[SeededCity.HeavySegment].GetProperty("congestion").GetDouble(), 6);
        Assert.True(segments[SeededCity.HeavySegment].GetProperty("alert").GetBoolean());
        Assert.Equal("heavy", segments[SeededCity.HeavySegment].GetProperty("band").GetString());
        Assert.Equal(JsonValueKind.Null, segments["seg-r2c2-N"].GetProperty("congestion").ValueKind);
    }

    [Fact]
    public async Task The_contributor_route_answers_from_the_payout_index_and_from_the_report_alike()
    {
        var seeded = city.City;
        var tables = new TableServiceClient(seeded.Settings.StorageConnectionString);
        var store = new SettlementStore(tables, new BlobServiceClient(seeded.Settings.StorageConnectionString));
        var state = (await store.GetAsync(seeded.Epoch))!;
        var payout = (await store.ReadReportAsync(seeded.Epoch))!.Payouts.Single(p => p.Account == seeded.RichOwner.ToLowerInvariant());
        var row = await store.Payouts.GetAsync(seeded.Epoch, seeded.RichOwner);

        var fromIndex = await ContributorEpochsAsync(seeded.RichOwner);
        // The same epoch as settlement left it before the index existed: no flag, so the report is read.
        await store.SaveAsync(state with { PayoutsIndexed = false });
        string fromReport;
        try
        {
            fromReport = await ContributorEpochsAsync(seeded.RichOwner);
        }
        finally
        {
            await store.SaveAsync(state);
        }

        Assert.True(state.PayoutsIndexed);
        Assert.Equal(payout, row!.Payout);
        Assert.Equal(
            $"[{{\"epoch\":{seeded.Epoch},\"status\":\"Confirmed\",\"data\":\"{payout.Data}\",\"compute\":\"0\",\"total\":\"{payout.Total}\",\"cumulative\":\"{payout.Cumulative}\"}}]",
            fromIndex);
        Assert.Equal(fromIndex, fromReport);
    }

    [Fact]
    public async Task A_malformed_address_is_a_400_that_says_why()
    {
        using var response = await _http.GetAsync("api/dashboard/data/contributors/0x1234");
        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync());

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("malformed_address", json.RootElement.GetProperty("error").GetString());
        Assert.Contains("0x1234", json.RootElement.GetProperty("detail").GetString(), StringComparison.Ordinal);
    }

    /// <summary>The <c>epochs</c> array of the contributor route's answer, as JSON text.</summary>
    private async Task<string> ContributorEpochsAsync(string account)
    {
        using var response = await _http.GetAsync("api/dashboard/data/contributors/" + account);
        response.EnsureSuccessStatusCode();
        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        return json.RootElement.GetProperty("epochs").GetRawText();
    }
}
