using Microsoft.Playwright;
using MultiTeacher.Dashboard.Server;
using MultiTeacher.Distillation.Pipeline;
using MultiTeacher.Distillation.Reports;
using Xunit.Abstractions;

namespace MultiTeacher.Dashboard.Tests;

/// <summary>
/// The page in a real browser: Debian's chromium, headless, driven by Playwright. The page is opened before the run
/// starts and never reloaded, so every number it shows arrived by server-sent events.
/// </summary>
public sealed class DashboardBrowserTests(ITestOutputHelper output)
{
    private const string Chromium = "/usr/bin/chromium";

    [Fact]
    public async Task Page_DuringAndAfterARun_ShowsLiveProgressChartsAndTheReport()
    {
        Assert.True(File.Exists(Chromium), $"{Chromium} is missing: `./mt test` installs the Debian package chromium");
        await using var dashboard = await LiveDashboard.StartAsync(DashboardEndpoint.Parse("0"));
        using var playwright = await Playwright.CreateAsync();
        await using var browser = await playwright.Chromium.LaunchAsync(new() { ExecutablePath = Chromium, Headless = true, Args = ["--no-sandbox"] });
        var page = await browser.NewPageAsync(new() { ViewportSize = new() { Width = 1200, Height = 1800 } });
        var wait = new PageWaitForFunctionOptions { Timeout = 120_000 };

        await page.GotoAsync(dashboard.Url.ToString());
        await page.WaitForFunctionAsync("() => document.getElementById('state').textContent === 'waiting for a run'", null, wait);
        Assert.Equal("0", await page.InnerTextAsync("#trained"));

        var train = QuickRun.Train(12_000);
        var run = DistillationPipeline.RunAsync(QuickRun.Request("browser", train, epochs: 3, shardSize: 256), dashboard.Over(QuickRun.Serialized));

        // While the run goes: the trained-shard counter rises and the loss chart has points, without a reload.
        await page.WaitForFunctionAsync("""
            () => document.getElementById('state').textContent === 'running'
              && +document.getElementById('trained').textContent > 0
              && document.querySelectorAll('#loss-chart circle').length > 0
            """, null, wait);
        var trainedWhileRunning = int.Parse(await page.InnerTextAsync("#trained"), System.Globalization.CultureInfo.InvariantCulture);
        var result = await run;
        var total = 3 * ((12_000 + 255) / 256);
        Assert.InRange(trainedWhileRunning, 1, total);

        var report = Path.Combine(Path.GetTempPath(), $"mt-dashboard-{Guid.NewGuid():N}.html");
        new HtmlReport("Run browser").Paragraph($"{result.Shards.Trained} shards trained").Write(report);
        try
        {
            dashboard.Finish("report written", report);
            await page.WaitForSelectorAsync("#report-link", new() { Timeout = 60_000 });

            Assert.Equal("run finished", await page.InnerTextAsync("#state"));
            Assert.Equal(result.Shards.Trained.ToString(System.Globalization.CultureInfo.InvariantCulture), await page.InnerTextAsync("#trained"));
            Assert.Equal(total.ToString(System.Globalization.CultureInfo.InvariantCulture), await page.InnerTextAsync("#total"));
            Assert.Equal(result.Shards.Aggregated.ToString(System.Globalization.CultureInfo.InvariantCulture), await page.InnerTextAsync("#aggregated"));
            Assert.Equal("0", await page.InnerTextAsync("#in-flight"));
            Assert.Equal(QuickRun.TeacherCount, await page.Locator("#teachers tbody tr").CountAsync());
            Assert.Contains("teacher-1", await page.InnerTextAsync("#teachers"), StringComparison.Ordinal);
            Assert.Equal("single process (no cluster)", await page.InnerTextAsync("#cluster-mode"));
            Assert.True(await page.Locator("#loss-chart circle").CountAsync() > 1, "the loss chart has no points");
            Assert.Equal(3, await page.Locator("#accuracy-chart circle").CountAsync());
            Assert.Contains("Accuracy per epoch", await page.InnerTextAsync("#accuracy-chart"), StringComparison.Ordinal);

            var screenshot = Path.Combine(AppContext.BaseDirectory, "dashboard-finished.png");
            await page.ScreenshotAsync(new() { Path = screenshot, FullPage = true });
            output.WriteLine($"screenshot: {screenshot}");

            await page.ClickAsync("#report-link");
            await page.WaitForURLAsync("**/report.html");
            Assert.Contains($"{result.Shards.Trained} shards trained", await page.InnerTextAsync("body"), StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(report);
        }
    }
}
