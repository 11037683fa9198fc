using CityFn.Cli.Dashboard;
using CityFn.TestSupport;
using Microsoft.Playwright;
using Xunit.Abstractions;

namespace CityFn.Dashboard.Tests;

/// <summary>A fresh deployment (nothing published, scored or settled, no chain) and a server that goes away.</summary>
[Collection(EmptyCityCollection.Name)]
public sealed class EmptyCityTests(AzuriteFixture azurite, ChromiumFixture chromium, ITestOutputHelper output)
{
    [Fact]
    public async Task An_empty_city_says_what_is_missing_and_a_lost_server_shows_as_errors_on_the_page()
    {
        var server = await DashboardServer.StartAsync(new DashboardSettings(azurite.ConnectionString));
        var page = await chromium.NewPageAsync();
        try
        {
            await page.GotoAsync(server.PageUrl.ToString());
            await page.WaitForSelectorAsync("body[data-state=ready]", new PageWaitForSelectorOptions { State = WaitForSelectorState.Attached, Timeout = 20_000 });

            Assert.Contains("No road network published yet", await page.Locator("#map-note").InnerTextAsync(), StringComparison.Ordinal);
            Assert.Contains("No sensors registered yet.", await page.Locator("#map-note").InnerTextAsync(), StringComparison.Ordinal);
            Assert.Equal(0, await page.Locator("#segments line").CountAsync());
            Assert.Equal("No alerts yet.", await page.Locator("#alerts").InnerTextAsync());
            Assert.Equal("No epochs settled yet.", await page.Locator("#epochs").InnerTextAsync());

            await page.GetByLabel("Wallet address").FillAsync("0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed");
            await page.GetByRole(AriaRole.Button, new PageGetByRoleOptions { Name = "Look up" }).ClickAsync();
            await page.WaitForSelectorAsync("#claim-status");
            Assert.Contains("The chain could not be read: Chain__RpcUrl", await page.Locator("#contributor .warning").InnerTextAsync(), StringComparison.Ordinal);
            Assert.Equal("No rewards in the recent epochs.", await page.Locator("#contributor .empty").InnerTextAsync());

            var screenshot = ChromiumFixture.ScreenshotPath("dashboard-empty.png");
            await page.ScreenshotAsync(new PageScreenshotOptions { Path = screenshot, FullPage = true });
            output.WriteLine($"screenshot: {screenshot}");

            await server.StopAsync();
            await page.GetByRole(AriaRole.Button, new PageGetByRoleOptions { Name = "Refresh" }).ClickAsync();
            await page.WaitForSelectorAsync("body[data-state=error]", new PageWaitForSelectorOptions { State = WaitForSelectorState.Attached, Timeout = 20_000 });

            Assert.StartsWith("Could not load the alerts: ", await page.Locator("#alerts [role=alert]").InnerTextAsync(), StringComparison.Ordinal);
            Assert.StartsWith("Could not load the epochs: ", await page.Locator("#epochs [role=alert]").InnerTextAsync(), StringComparison.Ordinal);
            Assert.StartsWith("Could not load the map: ", await page.Locator("#map-note").InnerTextAsync(), StringComparison.Ordinal);
            Assert.StartsWith("Partly updated", await page.Locator("#updated").InnerTextAsync(), StringComparison.Ordinal);
        }
        finally
        {
            await page.Context.CloseAsync();
            await server.DisposeAsync();
        }
    }
}
