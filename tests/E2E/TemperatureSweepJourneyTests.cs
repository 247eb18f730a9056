using System.Text.RegularExpressions;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Vinula.E2E.Tests;

/// <summary>A temperature sweep from the browser: its accuracy-against-T chart fills in as students finish, and
/// the scoreboard, best temperature and gradient check appear. Order is asserted, never timing.</summary>
public sealed partial class TemperatureSweepJourneyTests(VinulaApp app, ITestOutputHelper output) : IClassFixture<VinulaApp>
{
    private static readonly TimeSpan RunTimeout = TimeSpan.FromSeconds(180);

    [Fact]
    public Task ASweepOverTwoTemperaturesAndTwoSeedsFillsItsChartLive() => app.WithPageAsync(output, async page =>
    {
        await page.GotoAsync("/new/temperature-sweep");
        var temperatures = page.GetByTestId("temperatures");
        await Expect(temperatures).ToBeVisibleAsync();
        await FillAsync(temperatures, "1, 4");
        await FillAsync(page.GetByTestId("seeds"), "1, 2");
        await FillAsync(page.GetByTestId("epochs"), "2");
        await FillAsync(page.GetByTestId("teacher.epochs"), "2");
        await FillAsync(page.GetByTestId("trainSize"), "500");
        await Expect(page.GetByText("4 students (2 temperatures × 2 seeds)")).ToBeVisibleAsync();
        await page.GetByTestId("start").ClickAsync();

        await Expect(page).ToHaveURLAsync(RunUrl(), new() { Timeout = 60_000 });
        var chart = page.GetByTestId("sweep-chart");
        await Expect(chart).ToBeVisibleAsync();
        var status = page.GetByTestId("run-status").Locator("[data-status]");

        // One dot per finished student: watch the count grow until the run completes.
        var counts = new List<int>();
        var deadline = DateTime.UtcNow + RunTimeout;
        string current;
        while (true)
        {
            current = await status.GetAttributeAsync("data-status") ?? "";
            counts.Add(await SeedDotsAsync(chart));
            if (current is "completed" or "failed" or "cancelled" or "interrupted") break;
            Assert.True(DateTime.UtcNow < deadline, $"The sweep is still '{current}' after {RunTimeout.TotalSeconds:0} s.");
            await Task.Delay(150);
        }
        Assert.Equal("completed", current);
        await Expect(chart.GetByTestId("best-temperature")).ToHaveTextAsync(BestTemperature());
        var final = await SeedDotsAsync(chart);
        output.WriteLine("dots seen: " + string.Join(",", counts.Distinct()));
        Assert.Equal(4, final);
        Assert.True(counts.Distinct().Count() >= 2 && counts.Min() < final,
            $"The chart did not fill while the page was open: {string.Join(",", counts.Distinct())}.");

        // Scoreboard with the spread over two seeds, and the gradient check drawn from the best student's logits.
        await Expect(page.GetByTestId("scratch-error")).ToContainTextAsync("±");
        await Expect(page.GetByTestId("sweep-gap")).ToHaveTextAsync(new Regex(@"%"));
        await Expect(page.GetByTestId("gradient-check").Locator(".js-plotly-plot")).ToBeVisibleAsync();
        await VinulaApp.ScreenshotAsync(page, "e2e-sweep-completed.png");
    });

    private static async Task FillAsync(ILocator input, string text)
    {
        await input.FillAsync(text);
        await input.PressAsync("Tab");
    }

    /// <summary>How many per-seed dots the accuracy-against-T chart draws.</summary>
    private static Task<int> SeedDotsAsync(ILocator chart) => chart.EvaluateAsync<int>("""
        el => {
            const gd = el.querySelector('.js-plotly-plot');
            const trace = (gd?.data ?? []).find(t => t.name === 'each seed');
            return trace?.x?.length ?? 0;
        }
        """);

    [GeneratedRegex(@"/runs/[^/?#]+$")]
    private static partial Regex RunUrl();

    [GeneratedRegex("^(1|4)$")]
    private static partial Regex BestTemperature();
}
