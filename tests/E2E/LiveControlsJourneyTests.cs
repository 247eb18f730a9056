using System.Net.Http.Json;
using System.Text;
using System.Text.RegularExpressions;
using Microsoft.Playwright;
using Vinula.Shared;
using Vinula.Shared.Runs;
using static Microsoft.Playwright.Assertions;

namespace Vinula.E2E.Tests;

/// <summary>GAN Lab's trick in a dashboard: pause a live GAN from the browser, single-step it and watch the samples
/// move one step at a time, then let it go on.</summary>
public sealed partial class LiveControlsJourneyTests(VinulaApp app, ITestOutputHelper output) : IClassFixture<VinulaApp>
{
    [Fact]
    public Task PausingAGanAndSteppingItThreeTimesChangesTheSampleGridThreeTimes() => app.WithPageAsync(output, async page =>
    {
        // Many epochs of a small GAN: it is still training whatever the machine's pace.
        var body = """{ "kind": "gan", "config": { "epochs": 200, "trainSize": 2000, "hidden": [64], "latentDim": 16 } }""";
        var response = await app.Http.PostAsync("api/runs", new StringContent(body, Encoding.UTF8, "application/json"));
        response.EnsureSuccessStatusCode();
        var run = (await response.Content.ReadFromJsonAsync<RunDto>(VinulaJson.Options))!;

        await page.GotoAsync($"/runs/{run.Id}");
        var status = page.GetByTestId("run-status").Locator("[data-status]");
        await Expect(status).ToHaveAttributeAsync("data-status", "running", new() { Timeout = 60_000 });
        await page.GetByTestId("pause").ClickAsync();
        // A run pauses between two training steps, and a GAN's first step waits for its setup, which on a fresh
        // machine includes training the sample-quality classifier once (CI saw "preparing" for over 15 s).
        await Expect(status).ToHaveAttributeAsync("data-status", "paused", new() { Timeout = 120_000 });

        var samples = page.GetByTestId("images-samples");
        var image = samples.GetByTestId("image");
        await Expect(samples.GetByTestId("image-label")).ToHaveTextAsync(new Regex(@"^step [\d,]+ \(paused\)$"));
        var seen = new List<string> { (await image.GetAttributeAsync("src"))! };
        var steps = new List<string> { await page.GetByTestId("paused-step").InnerTextAsync() };

        for (var i = 0; i < 3; i++)
        {
            await page.GetByTestId("step").ClickAsync();
            // One step later the run is paused again and the grid is the one drawn at the new step.
            await Expect(image).Not.ToHaveAttributeAsync("src", seen[^1]);
            await Expect(status).ToHaveAttributeAsync("data-status", "paused");
            await Expect(page.GetByTestId("paused-step")).Not.ToHaveTextAsync(steps[^1]);
            seen.Add((await image.GetAttributeAsync("src"))!);
            steps.Add(await page.GetByTestId("paused-step").InnerTextAsync());
        }
        output.WriteLine("grids: " + string.Join(", ", seen));
        output.WriteLine("progress: " + string.Join(" | ", steps));
        Assert.Equal(4, seen.Distinct().Count());
        // Each click is one training step: the stops are consecutive global steps.
        var stepNumbers = seen.Select(src => long.Parse(StepOf().Match(src).Groups[1].Value)).ToList();
        Assert.Equal([stepNumbers[0], stepNumbers[0] + 1, stepNumbers[0] + 2, stepNumbers[0] + 3], stepNumbers);
        await VinulaApp.ScreenshotAsync(page, "e2e-gan-paused-stepped.png");

        await page.GetByTestId("resume-live").ClickAsync();
        await Expect(status).ToHaveAttributeAsync("data-status", "running");
        await page.GetByTestId("cancel").ClickAsync();
        await Expect(status).ToHaveAttributeAsync("data-status", "cancelled");
    });

    [GeneratedRegex(@"samples-s(\d+)\.png")]
    private static partial Regex StepOf();
}
