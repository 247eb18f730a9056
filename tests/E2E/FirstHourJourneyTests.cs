using System.Diagnostics;
using System.Net.Http.Json;
using System.Text;
using Microsoft.Playwright;
using Vinula.Shared;
using Vinula.Shared.Runs;
using static Microsoft.Playwright.Assertions;

namespace Vinula.E2E.Tests;

/// <summary>
/// A new user's first hour (issue #9): one tiny finished run of every kind, then every page at a desktop, a laptop
/// and a phone width. Any console error, failed request, unhandled circuit exception or static-asset warning fails
/// it. With <c>VINULA_SCREENS</c> set, every page is saved there as <c>&lt;width&gt;-&lt;page&gt;.png</c>.
/// </summary>
public sealed class FirstHourJourneyTests(VinulaApp app, ITestOutputHelper output) : IClassFixture<VinulaApp>
{
    private static readonly int[] Widths = [1440, 1024, 390];

    /// <summary>One epoch on a few hundred digits: every kind finishes in seconds on one thread.</summary>
    private static readonly (string Kind, string Config)[] TinyRuns =
    [
        ("distill", """{ "epochs": 1, "trainSize": 300, "batchSize": 100, "teacher": { "model": "mlp", "hidden": [32] }, "student": { "hidden": [16] } }"""),
        ("temperature-sweep", """{ "epochs": 1, "trainSize": 300, "batchSize": 100, "temperatures": [1, 4], "seeds": [1], "teacher": { "model": "mlp", "hidden": [32] }, "student": { "hidden": [16] } }"""),
        ("autoencoder", """{ "model": "dense", "latentDim": 8, "hidden": [32], "epochs": 1, "trainSize": 300, "batchSize": 100 }"""),
        ("vae", """{ "latentDim": 2, "hidden": [32], "epochs": 1, "trainSize": 300, "batchSize": 100 }"""),
        ("cvae", """{ "latentDim": 2, "hidden": [32], "epochs": 1, "trainSize": 300, "batchSize": 100 }"""),
        ("gan", """{ "latentDim": 8, "hidden": [32, 32], "epochs": 1, "trainSize": 300, "batchSize": 100 }"""),
        ("cgan", """{ "latentDim": 8, "hidden": [32, 32], "epochs": 1, "trainSize": 300, "batchSize": 100 }"""),
        ("vaegan", """{ "latentDim": 4, "hidden": [32], "epochs": 1, "trainSize": 300, "batchSize": 100 }"""),
    ];

    [Fact]
    public async Task EveryPageAtEveryWidthRunsCleanAfterOneRunOfEveryKind()
    {
        var cancel = TestContext.Current.CancellationToken;
        var runs = new List<RunDto>();
        foreach (var (kind, config) in TinyRuns)
            runs.Add(await PostAsync(kind, config, cancel));
        for (var i = 0; i < runs.Count; i++)
            runs[i] = await WaitAsync(runs[i].Id, TimeSpan.FromSeconds(180), cancel);
        Assert.All(runs, r => Assert.True(r.Status == RunStatus.Completed, $"{r.Kind} run is {r.Status}: {r.Error}"));

        var pages = new List<(string Name, string Url)> { ("runs", "/"), ("new", "/new") };
        pages.AddRange(runs.Select(r => ($"new-{r.Kind}", $"/new/{r.Kind}")));
        pages.AddRange(runs.Select(r => ($"run-{r.Kind}", $"/runs/{r.Id}")));
        pages.Add(("run-distill-config", $"/runs/{runs[0].Id}?tab=config"));
        pages.Add(("compare", $"/compare?runs={runs[0].Id},{runs[1].Id}"));
        pages.Add(("not-found", "/no-such-page"));

        var screens = Environment.GetEnvironmentVariable("VINULA_SCREENS");
        if (screens is { Length: > 0 }) Directory.CreateDirectory(screens);
        var problems = new List<string>();
        var clock = Stopwatch.StartNew();
        var page = await app.NewPageAsync(output);
        var current = "";
        page.Console += (_, m) =>
        {
            // The browser reports the not-found page's own 404 as a failed resource: that one is expected.
            if (m.Type == "error" && !(current.StartsWith("not-found", StringComparison.Ordinal) && m.Text.Contains("404", StringComparison.Ordinal)))
                problems.Add($"{current}: console error: {m.Text}");
        };
        page.PageError += (_, e) => problems.Add($"{current}: page error: {e}");
        page.RequestFailed += (_, r) =>
        {
            // Leaving a page aborts its open requests (the circuit's socket); that is not a failure.
            if (r.Failure is not "net::ERR_ABORTED") problems.Add($"{current}: request failed: {r.Url} {r.Failure}");
        };
        page.Response += (_, r) =>
        {
            if (r.Status >= 400 && !(current.StartsWith("not-found", StringComparison.Ordinal) && r.Request.ResourceType == "document"))
                problems.Add($"{current}: {r.Status} for {r.Url}");
        };
        try
        {
            // What the user did before the circuits died: start a run from the form, then load a page in full
            // while it trains (the old circuit, with the run page's tabs, is disposed).
            current = "start from the form";
            await page.GotoAsync("/new/vae");
            await FillAsync(page.GetByTestId("epochs"), "3");
            await FillAsync(page.GetByTestId("trainSize"), "1000");
            await page.GetByTestId("start").ClickAsync();
            await Expect(page).ToHaveURLAsync(new System.Text.RegularExpressions.Regex("/runs/[^/?#]+$"), new() { Timeout = 60_000 });
            await Expect(page.GetByTestId("run-status").Locator("[data-status]")).ToHaveAttributeAsync("data-status", "running", new() { Timeout = 60_000 });
            await page.ReloadAsync();
            await page.Locator(".mud-main-content").WaitForAsync();

            // A full load per page (a new circuit each time, the old one disposed), then the same page at each width.
            foreach (var (name, url) in pages)
            {
                current = name;
                await page.SetViewportSizeAsync(Widths[0], 900);
                await page.GotoAsync(url);
                // The circuit is up once the layout has rendered (no prerender); every page, even a wrong
                // address, has the layout and its way back.
                try { await page.Locator(".mud-main-content").WaitForAsync(new() { Timeout = 15_000 }); }
                catch (TimeoutException) { problems.Add($"{name}: no layout: {Truncate(await page.InnerTextAsync("body"))}"); }
                await page.WaitForLoadStateAsync(LoadState.NetworkIdle);
                if (name.StartsWith("run-", StringComparison.Ordinal)
                    && await page.GetByRole(AriaRole.Button, new() { Name = "More actions" }).CountAsync() != 1)
                    problems.Add($"{name}: the run's menu button has no accessible name");
                foreach (var width in Widths)
                {
                    current = $"{name} at {width}px";
                    if (width != Widths[0]) await page.SetViewportSizeAsync(width, width >= 1024 ? 900 : 844);
                    await page.WaitForTimeoutAsync(250);
                    if (screens is { Length: > 0 })
                        await page.ScreenshotAsync(new() { Path = Path.Combine(screens, $"{width}-{name}.png"), FullPage = true });
                }
                current = name;
            }
        }
        finally
        {
            await page.Context.CloseAsync();
        }
        output.WriteLine($"{pages.Count} pages at {Widths.Length} widths in {clock.Elapsed.TotalSeconds:0} s");

        // Closing a page disposes its circuit: give the server a moment to tear the last ones down.
        await Task.Delay(1500, cancel);
        problems.AddRange(app.ServerLog.Entries.Where(e =>
            e.Contains("Unhandled exception in circuit", StringComparison.Ordinal)
            || e.Contains("not found in the built time manifest", StringComparison.Ordinal)
            || e.StartsWith("Error ", StringComparison.Ordinal) || e.StartsWith("Critical ", StringComparison.Ordinal))
            .Select(e => $"server: {e}"));
        foreach (var problem in problems) output.WriteLine(problem);
        Assert.True(problems.Count == 0, $"{problems.Count} problems, the first: {problems.FirstOrDefault()}");
    }

    private static async Task FillAsync(ILocator input, string text)
    {
        await input.FillAsync(text);
        await input.PressAsync("Tab");
    }

    private static string Truncate(string text) => text.Length <= 200 ? text : text[..200] + "…";

    private async Task<RunDto> PostAsync(string kind, string config, CancellationToken cancel)
    {
        var body = $$"""{ "kind": "{{kind}}", "name": "first hour {{kind}}", "config": {{config}} }""";
        var response = await app.Http.PostAsync("api/runs", new StringContent(body, Encoding.UTF8, "application/json"), cancel);
        Assert.True(response.IsSuccessStatusCode, $"{kind}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync(cancel)}");
        return (await response.Content.ReadFromJsonAsync<RunDto>(VinulaJson.Options, cancel))!;
    }

    private async Task<RunDto> WaitAsync(string id, TimeSpan timeout, CancellationToken cancel)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            var run = (await app.Http.GetFromJsonAsync<RunDto>($"api/runs/{id}", VinulaJson.Options, cancel))!;
            if (run.Status.IsFinished()) return run;
            Assert.True(DateTime.UtcNow < deadline, $"Run {id} ({run.Kind}) is still {run.Status} after {timeout.TotalSeconds:0} s.");
            await Task.Delay(250, cancel);
        }
    }

    [Fact]
    public Task DarkModeIsRememberedAfterAReloadAndInANewTab() => app.WithPageAsync(output, async page =>
    {
        await page.GotoAsync("/");
        await VinulaApp.WaitForCircuitAsync(page);
        var toggle = page.GetByTestId("dark-mode");
        await Expect(toggle).ToHaveAttributeAsync("aria-pressed", "false"); // the test browser prefers light
        await toggle.ClickAsync();
        await Expect(toggle).ToHaveAttributeAsync("aria-pressed", "true");

        await page.ReloadAsync();
        await Expect(page.GetByTestId("dark-mode")).ToHaveAttributeAsync("aria-pressed", "true");

        var tab = await page.Context.NewPageAsync();
        await tab.GotoAsync("/new");
        await Expect(tab.GetByTestId("dark-mode")).ToHaveAttributeAsync("aria-pressed", "true");
    });

    [Fact]
    public Task TheApiReferenceShowsTheApiWithoutVendorButtons() => app.WithPageAsync(output, async page =>
    {
        var failed = new List<string>();
        page.RequestFailed += (_, r) => failed.Add($"{r.Url} {r.Failure}");
        await page.GotoAsync("/api/docs");
        await Expect(page.GetByText("/api/runs").First).ToBeVisibleAsync();
        await page.WaitForLoadStateAsync(LoadState.NetworkIdle);
        if (Environment.GetEnvironmentVariable("VINULA_SCREENS") is { Length: > 0 } screens)
            await page.ScreenshotAsync(new() { Path = Path.Combine(screens, "1440-api-docs.png") });

        foreach (var vendor in new[] { "Ask AI", "Deploy", "Generate SDK" })
            await Expect(page.GetByText(vendor, new() { Exact = false })).ToHaveCountAsync(0);
        Assert.Empty(failed); // nothing from a CDN on a closed network
    });
}
