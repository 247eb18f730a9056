using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Vinula.E2E.Tests;

/// <summary>
/// Sharing a comparison: pick two runs on the Runs page, open Compare, change the view, copy the link, and open it
/// where nothing is shared (a fresh browser context): the same view. A browser without JavaScript (the HTML before any
/// circuit connects, what a chat preview sees) already names the runs and their numbers.
/// </summary>
public sealed class CompareLinkJourneyTests(VinulaApp app, ITestOutputHelper output) : IClassFixture<VinulaApp>
{
    private static readonly TimeSpan RunTimeout = TimeSpan.FromSeconds(120);

    private static string TinyConfig(double temperature) => $$"""
        { "epochs": 2, "trainSize": 300, "batchSize": 100, "temperature": {{temperature}}, "teacher": { "model": "mlp", "hidden": [32], "epochs": null }, "student": { "hidden": [8] }, "trainBaseline": false }
        """;

    /// <summary>A MudSwitch's checkbox (the test id lands on the input).</summary>
    private static ILocator Switch(IPage page, string testId) => page.Locator($"input[data-testid='{testId}'], [data-testid='{testId}'] input");

    [Fact]
    public async Task ACopiedCompareLinkOpensTheSameViewInAFreshBrowser()
    {
        var suffix = Guid.NewGuid().ToString("N")[..6];
        var names = new[] { $"link cold {suffix}", $"link hot {suffix}" };
        foreach (var (name, temperature) in names.Zip([1.0, 10.0]))
        {
            var run = await app.CreateAndFinishRunAsync(name, TinyConfig(temperature), RunTimeout, TestContext.Current.CancellationToken);
            Assert.True(run.Status == Vinula.Shared.Runs.RunStatus.Completed, $"{name} ended {run.Status}: {run.Error}");
        }

        string link = "";
        await app.WithPageAsync(output, async page =>
        {
            await page.Context.GrantPermissionsAsync(["clipboard-read", "clipboard-write"]);
            await page.GotoAsync($"/?q={suffix}");
            await VinulaApp.WaitForCircuitAsync(page);
            var table = page.GetByTestId("runs-table");
            await Expect(table.Locator("tbody tr")).ToHaveCountAsync(2);
            foreach (var name in names)
                await table.Locator("tbody tr", new() { HasText = name }).Locator("input[type=checkbox]").CheckAsync();
            await page.GetByTestId("compare").ClickAsync();

            await Expect(page).ToHaveURLAsync(new System.Text.RegularExpressions.Regex("/compare\\?runs="));
            var summary = page.GetByTestId("summary-table");
            foreach (var name in names) await Expect(summary).ToContainTextAsync(name);
            var charts = page.GetByTestId("compare-chart");
            await Expect(charts).ToHaveCountAsync(1);
            await Expect(charts.First).ToHaveAttributeAsync("data-metric", "student/test_accuracy");

            // Change the view: log y. The choice goes into the URL.
            await Switch(page, "compare-logy").CheckAsync();
            await Expect(page).ToHaveURLAsync(new System.Text.RegularExpressions.Regex("logy=true"));

            await page.GetByTestId("copy-link").ClickAsync();
            await Expect(page.GetByText("Link copied")).ToBeVisibleAsync();
            link = await page.EvaluateAsync<string>("navigator.clipboard.readText()");
            Assert.Equal(page.Url, link);
            await VinulaApp.ScreenshotAsync(page, "e2e-compare.png");
        });

        // A teammate's browser: a fresh context, nothing shared but the link.
        await app.WithPageAsync(output, async page =>
        {
            await page.GotoAsync(link);
            var summary = page.GetByTestId("summary-table");
            foreach (var name in names) await Expect(summary).ToContainTextAsync(name);
            await Expect(page.GetByTestId("compare-chart").First).ToHaveAttributeAsync("data-metric", "student/test_accuracy");
            await Expect(Switch(page, "compare-logy")).ToBeCheckedAsync();
            await Expect(page.Locator(".js-plotly-plot .scatterlayer .trace")).ToHaveCountAsync(2); // a line per run
        });

        // Before any circuit: the prerendered HTML alone.
        var context = await app.Browser.NewContextAsync(new() { JavaScriptEnabled = false });
        try
        {
            var page = await context.NewPageAsync();
            await page.GotoAsync(link);
            var html = await page.ContentAsync();
            foreach (var name in names) Assert.Contains(name, html);
            Assert.Contains("student.test_accuracy", html);
            Assert.Contains("temperature", html); // the config difference
            Assert.Contains("Connecting for the curves", html);
        }
        finally
        {
            await context.CloseAsync();
        }
    }
}
