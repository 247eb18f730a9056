using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Vinula.E2E.Tests;

/// <summary>
/// The main journey through a real browser: configure a small distillation run in the form, start it, watch the
/// run page update live until it completes, then find it in the runs list. Timing is never asserted, only order.
/// </summary>
public sealed partial class DistillJourneyTests(VinulaApp app, ITestOutputHelper output) : IClassFixture<VinulaApp>
{
    private static readonly TimeSpan RunTimeout = TimeSpan.FromSeconds(120);

    /// <summary>A small run through the API, for when the list test runs before the journey (test order is not fixed).</summary>
    private const string TinyConfig = """
        { "epochs": 2, "trainSize": 500, "batchSize": 100, "teacher": { "model": "mlp", "hidden": [64], "epochs": null }, "student": { "hidden": [16] } }
        """;

    [Fact]
    public async Task ConfigureStartAndWatchADistillRunUntilItCompletes()
    {
        var name = $"e2e journey {Guid.NewGuid().ToString("N")[..8]}";
        await app.WithPageAsync(output, async page =>
        {
            // The form. No prerender: the inputs exist once the circuit is up, so waiting for one waits for it.
            await page.GotoAsync("/new/distill");
            var epochs = page.GetByTestId("epochs");
            await Expect(epochs).ToBeVisibleAsync();
            await Expect(epochs).ToHaveValueAsync(new Vinula.Shared.Experiments.DistillConfig().Epochs.ToString()); // the default, rendered by the server

            await FillAsync(page.GetByTestId("name"), name);
            await FillAsync(epochs, "3");
            await FillAsync(page.GetByTestId("trainSize"), "1000");
            await Expect(epochs).ToHaveValueAsync("3");
            await Expect(page.GetByTestId("trainSize")).ToHaveValueAsync("1000");
            // The estimate below the button is computed on the server from the bound config: proof the values arrived.
            await Expect(page.GetByText("for 3 epochs each on 1,000 digits")).ToBeVisibleAsync();
            await Expect(page.GetByTestId("form-errors")).ToHaveCountAsync(0);
            var start = page.GetByTestId("start");
            await Expect(start).ToBeEnabledAsync();
            await VinulaApp.ScreenshotAsync(page, "e2e-new.png");

            await start.ClickAsync();

            // The run page.
            // Poll the URL: Blazor navigates with pushState, so there is no load event to wait for.
            await Expect(page).ToHaveURLAsync(RunUrl(), new() { Timeout = 60_000 });
            var id = new Uri(page.Url).AbsolutePath.Split('/')[^1];
            await Expect(page.GetByTestId("run-name")).ToHaveTextAsync(name);
            var status = page.GetByTestId("run-status").Locator("[data-status]");
            await Expect(status).ToHaveAttributeAsync("data-status", StatusPattern());
            var chart = page.GetByTestId("loss-chart");
            await Expect(chart).ToBeVisibleAsync();

            // Sample the loss chart and the status until the run has finished.
            var samples = new List<(string Status, ChartState Chart)>();
            var runningShot = false;
            var deadline = DateTime.UtcNow + RunTimeout;
            string current;
            while (true)
            {
                current = await status.GetAttributeAsync("data-status") ?? "";
                var state = await ReadChartAsync(chart);
                samples.Add((current, state));
                if (!runningShot && current == "running" && state.Lines > 0)
                {
                    await VinulaApp.ScreenshotAsync(page, "e2e-running.png");
                    runningShot = true;
                }
                if (current is "completed" or "failed" or "cancelled" or "interrupted") break;
                Assert.True(DateTime.UtcNow < deadline, $"The run is still '{current}' after {RunTimeout.TotalSeconds:0} s.");
                await Task.Delay(150);
            }
            output.WriteLine($"{samples.Count} samples: " + string.Join(", ",
                samples.Select(s => $"{s.Status}/{s.Chart.Points}pts/{s.Chart.Lines}lines").Distinct()));
            if (current != "completed")
            {
                var errors = await page.GetByTestId("run-error").AllTextContentsAsync();
                Assert.Fail($"The run ended '{current}': {(errors.Count > 0 ? errors[0] : "no error shown")}");
            }
            await Expect(status).ToHaveAttributeAsync("data-status", "completed");

            // The chart drew lines, and grew between two moments of the run: live updates, not a reload.
            var final = await ReadChartAsync(chart);
            Assert.True(final.Lines >= 2, $"The loss chart draws {final.Lines} lines when the run has finished.");
            Assert.True(samples.Any(s => s.Status == "running"), "The page never showed the run as running.");
            var drawn = samples.Select(s => s.Chart).Append(final).Where(c => c.Lines > 0).ToList();
            Assert.True(drawn.Count >= 2 && drawn[^1].Points > drawn[0].Points && drawn[^1].PathLength > drawn[0].PathLength,
                $"The loss chart did not grow while the page was open: first drawn {drawn.FirstOrDefault()}, last {drawn.LastOrDefault()}.");
            Assert.True(runningShot, "No moment showed the run running with lines on the chart.");

            // The scoreboard: final accuracies as percentages.
            var summary = page.GetByTestId("summary-card");
            foreach (var role in new[] { "teacher", "student" })
            {
                var accuracy = summary.GetByTestId($"score-{role}").Locator("td").Nth(1);
                await Expect(accuracy).ToHaveTextAsync(Percentage());
            }

            // The softened distributions: digits with the teacher's and the student's bars.
            var soft = page.GetByTestId("soft-targets");
            var examples = soft.GetByTestId("soft-example");
            await Expect(examples.First).ToBeVisibleAsync();
            Assert.InRange(await examples.CountAsync(), 1, 100);
            await Expect(examples.First.Locator("img.digit")).ToBeVisibleAsync();
            await Expect(examples.First.Locator(".bar.teacher")).ToHaveCountAsync(10);
            await Expect(examples.First.Locator(".bar.student")).ToHaveCountAsync(10);

            await VinulaApp.ScreenshotAsync(page, "e2e-completed.png");
            app.FinishedRun = (id, name);
        });
    }

    [Fact]
    public async Task TheRunsPageListsTheFinishedRunAndFiltersByStatusFromTheUrl()
    {
        var (_, name) = app.FinishedRun ?? await CreateRunAsync();
        await app.WithPageAsync(output, async page =>
        {
            await page.GotoAsync("/");
            var table = page.GetByTestId("runs-table");
            await Expect(table).ToBeVisibleAsync();
            var row = table.Locator("tbody tr", new() { HasText = name });
            await Expect(row).ToHaveCountAsync(1);
            await Expect(row.Locator("[data-status]")).ToHaveAttributeAsync("data-status", "completed");

            await page.GotoAsync("/?status=completed");
            await Expect(table).ToBeVisibleAsync();
            await Expect(table.Locator("tbody tr", new() { HasText = name })).ToHaveCountAsync(1);
            await VinulaApp.ScreenshotAsync(page, "e2e-runs-completed.png");

            await page.GotoAsync("/?status=failed");
            await Expect(page.GetByText("No run matches these filters.")).ToBeVisibleAsync();
            await Expect(page.GetByTestId("runs-table")).ToHaveCountAsync(0);
            await Expect(page.GetByText(name)).ToHaveCountAsync(0);
        });
    }

    private async Task<(string Id, string Name)> CreateRunAsync()
    {
        var name = $"e2e api run {Guid.NewGuid().ToString("N")[..8]}";
        var run = await app.CreateAndFinishRunAsync(name, TinyConfig, RunTimeout, TestContext.Current.CancellationToken);
        Assert.True(run.Status == Vinula.Shared.Runs.RunStatus.Completed, $"The API run ended {run.Status}: {run.Error}");
        app.FinishedRun = (run.Id, name);
        return (run.Id, name);
    }

    /// <summary>MudNumericField and MudTextField: type the text, then leave the field (blur commits it).</summary>
    private static async Task FillAsync(ILocator input, string text)
    {
        await input.FillAsync(text);
        await input.PressAsync("Tab");
    }

    private readonly record struct ChartState(int Traces, int Lines, int Points, int PathLength);

    /// <summary>What Plotly has drawn: traces, lines with a path, data points and the total path length.</summary>
    private static async Task<ChartState> ReadChartAsync(ILocator chart)
    {
        var json = await chart.EvaluateAsync<JsonElement>("""
            el => {
                const gd = el.classList.contains('js-plotly-plot') ? el : (el.querySelector('.js-plotly-plot') ?? el);
                const points = (gd.data ?? []).reduce((n, t) => n + (t.x ? t.x.length : 0), 0);
                const paths = Array.from(gd.querySelectorAll('.scatterlayer .trace path.js-line'))
                    .map(p => p.getAttribute('d') ?? '').filter(d => d.length > 0);
                return {
                    traces: gd.querySelectorAll('.scatterlayer .trace').length,
                    lines: paths.length,
                    points,
                    pathLength: paths.reduce((n, d) => n + d.length, 0),
                };
            }
            """);
        return new ChartState(json.GetProperty("traces").GetInt32(), json.GetProperty("lines").GetInt32(),
            json.GetProperty("points").GetInt32(), json.GetProperty("pathLength").GetInt32());
    }

    [GeneratedRegex(@"/runs/[^/?#]+$")]
    private static partial Regex RunUrl();

    [GeneratedRegex("^(queued|running|completed)$")]
    private static partial Regex StatusPattern();

    [GeneratedRegex(@"^\s*\d{1,3}(\.\d+)?\s?%\s*$")]
    private static partial Regex Percentage();
}
