using System.Globalization;
using Microsoft.Playwright;
using Xunit.Abstractions;

namespace CityFn.Dashboard.Tests;

/// <summary>The dashboard page in headless Chromium against the seeded city: what city IT and a contributor see.</summary>
[Collection(SeededCityCollection.Name)]
public sealed class DashboardPageTests(SeededCityFixture city, ChromiumFixture chromium, ITestOutputHelper output)
{
    // The band colours of dashboard.css (--free, --moderate, --heavy, --none; --good, --fair, --poor).
    private static readonly Dictionary<string, string> SegmentColours = new()
    {
        ["free"] = "rgb(26, 152, 80)", ["moderate"] = "rgb(224, 138, 0)", ["heavy"] = "rgb(215, 48, 39)", ["none"] = "rgb(140, 140, 140)",
    };

    private static readonly Dictionary<string, string> SensorColours = new()
    {
        ["good"] = "rgb(33, 102, 172)", ["fair"] = "rgb(241, 163, 64)", ["poor"] = "rgb(118, 42, 131)", ["none"] = "rgb(255, 255, 255)",
    };

    [Fact]
    public async Task The_page_draws_the_network_by_congestion_the_sensors_by_quality_the_alerts_and_the_epoch_from_the_API()
    {
        var seeded = city.City;
        var page = await chromium.NewPageAsync();
        var requests = new List<string>();
        var problems = new List<string>();
        page.Request += (_, request) => requests.Add(request.Url);
        page.Console += (_, message) =>
        {
            if (message.Type is "error" or "warning")
            {
                problems.Add($"{message.Type}: {message.Text}");
            }
        };
        page.PageError += (_, error) => problems.Add("page error: " + error);

        await page.GotoAsync(city.Server.PageUrl.ToString());
        await page.WaitForSelectorAsync("body[data-state=ready]", new PageWaitForSelectorOptions { State = WaitForSelectorState.Attached, Timeout = 20_000 });
        var screenshot = ChromiumFixture.ScreenshotPath("dashboard.png");
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = screenshot, FullPage = true });
        output.WriteLine($"screenshot: {screenshot}");

        // One line per segment of the map, each coloured by its forecast's band; segments without one are grey.
        var lines = page.Locator("#segments line");
        Assert.Equal(seeded.Map.Segments.Count, await lines.CountAsync());
        foreach (var segment in seeded.Map.Segments)
        {
            var line = page.Locator($"#segments line[data-segment='{segment.Id}']");
            var expected = seeded.Congestion.TryGetValue(segment.Id, out var congestion)
                ? congestion switch { < 0.15 => "free", < 0.4 => "moderate", _ => "heavy" }
                : "none";
            Assert.Equal(expected, await line.GetAttributeAsync("data-band"));
            Assert.Equal(SegmentColours[expected], await line.EvaluateAsync<string>("e => getComputedStyle(e).stroke"));
        }

        Assert.Contains("congestion 0.86 (heavy)", await page.Locator($"#segments line[data-segment='{SeededCity.HeavySegment}'] title").TextContentAsync(), StringComparison.Ordinal);
        Assert.Contains("3 of 24 segments have a forecast", await page.Locator("#map-note").TextContentAsync(), StringComparison.Ordinal);

        // One dot per registered device, filled by its quality band.
        Assert.Equal(seeded.Devices.Count, await page.Locator("#sensors circle").CountAsync());
        foreach (var device in seeded.Devices)
        {
            var dot = page.Locator($"#sensors circle[data-device='{device.Device}']");
            var expected = seeded.Quality.TryGetValue(device.Device, out var quality)
                ? quality switch { >= 0.8 => "good", >= 0.5 => "fair", _ => "poor" }
                : "none";
            Assert.Equal(expected, await dot.GetAttributeAsync("data-band"));
            Assert.Equal(SensorColours[expected], await dot.EvaluateAsync<string>("e => getComputedStyle(e).fill"));
        }

        // The alert log: the heavy segment's congestion and the air sensor's fault.
        var alerts = await page.Locator("#alerts").InnerTextAsync();
        Assert.Contains($"Congestion on {SeededCity.HeavySegment}: forecast 7 km/h (alert below 30 km/h)", alerts, StringComparison.Ordinal);
        Assert.Contains($"Sensor {seeded.Devices[3].Device} looks faulty: fault probability 0.88", alerts, StringComparison.Ordinal);

        // The settled epoch: confirmed, 1000 tokens to 2 accounts, its root and transaction, the larger payout first.
        var row = page.Locator($"#epochs tr[data-epoch='{seeded.Epoch.ToString(CultureInfo.InvariantCulture)}']");
        var cells = await row.Locator("td").AllInnerTextsAsync();
        Assert.Equal("Confirmed", cells[2]);
        Assert.Equal("1,000", cells[3]);
        Assert.StartsWith("2 ", cells[4], StringComparison.Ordinal);
        Assert.Equal(seeded.Settlement.Root, await row.Locator("td").Nth(5).GetAttributeAsync("title"));
        Assert.Equal(seeded.Settlement.TransactionHash, await row.Locator("td").Nth(6).GetAttributeAsync("title"));
        Assert.Equal(["666.6666", "333.3333"], (await row.Locator(".top-payouts li").AllInnerTextsAsync()).Select(t => t.Split(' ')[^1]));

        // Offline by construction: every request went to the dashboard server, and nothing was blocked or failed.
        Assert.All(requests, url => Assert.StartsWith(city.Server.BaseUrl.ToString(), url, StringComparison.Ordinal));
        Assert.Empty(problems);
    }

    [Fact]
    public async Task The_contributor_lookup_shows_the_rewards_per_epoch_the_claim_status_and_the_proof()
    {
        var seeded = city.City;
        var page = await chromium.NewPageAsync();
        await page.GotoAsync(city.Server.PageUrl.ToString());
        await page.WaitForSelectorAsync("body[data-state=ready]", new PageWaitForSelectorOptions { State = WaitForSelectorState.Attached, Timeout = 20_000 });

        await page.GetByLabel("Wallet address").FillAsync(seeded.RichOwner);
        await page.GetByRole(AriaRole.Button, new PageGetByRoleOptions { Name = "Look up" }).ClickAsync();
        await page.WaitForSelectorAsync("#claim-status", new PageWaitForSelectorOptions { Timeout = 20_000 });

        Assert.Equal("Not claimed yet: 666.6666 tokens claimable.", await page.Locator("#claim-status").InnerTextAsync());
        var cells = await page.Locator($"#contributor-epochs tr[data-epoch='{seeded.Epoch.ToString(CultureInfo.InvariantCulture)}'] td").AllInnerTextsAsync();
        Assert.Equal([seeded.Epoch.ToString(CultureInfo.InvariantCulture), "Confirmed", "666.6666", "0", "666.6666", "666.6666"], cells);
        // Two accounts in the tree: the proof is the other leaf's hash.
        var proof = (await page.Locator("#proof").TextContentAsync())!.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Single(proof);
        Assert.Matches("^0x[0-9a-f]{64}$", proof[0]);

        var screenshot = ChromiumFixture.ScreenshotPath("dashboard-contributor.png");
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = screenshot, FullPage = true });
        output.WriteLine($"screenshot: {screenshot}");

        await page.GetByLabel("Wallet address").FillAsync("0x1234");
        await page.GetByRole(AriaRole.Button, new PageGetByRoleOptions { Name = "Look up" }).ClickAsync();
        Assert.Equal("Enter an address: 0x followed by 40 hexadecimal digits.", await page.Locator("#contributor [role=alert]").InnerTextAsync());
    }
}
