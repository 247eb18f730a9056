using System.Text.RegularExpressions;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Vinula.E2E.Tests;

/// <summary>A VAE from the browser: the 2-D manifold image changes from epoch to epoch while the page watches.</summary>
public sealed partial class VaeJourneyTests(VinulaApp app, ITestOutputHelper output) : IClassFixture<VinulaApp>
{
    private static readonly TimeSpan RunTimeout = TimeSpan.FromSeconds(120);

    [Fact]
    public Task TheManifoldChangesBetweenEpochsWhileTheVaeTrains() => app.WithPageAsync(output, async page =>
    {
        await page.GotoAsync("/new/vae");
        var epochs = page.GetByTestId("epochs");
        await Expect(epochs).ToBeVisibleAsync();
        await FillAsync(epochs, "4");
        await FillAsync(page.GetByTestId("trainSize"), "1000");
        await Expect(page.GetByText("for 4 epochs on 1,000 digits, drawing its manifold every epoch")).ToBeVisibleAsync();
        await page.GetByTestId("start").ClickAsync();
        await Expect(page).ToHaveURLAsync(RunUrl(), new() { Timeout = 60_000 });
        // Slow motion, as a teacher would use it: a tiny VAE can otherwise finish before the page has drawn twice.
        await page.APIRequest.PatchAsync($"/api/runs/{RunId(page)}", new() { DataObject = new { slowMotionMs = 100 } });

        var panel = page.GetByTestId("images-manifold");
        await Expect(panel).ToBeVisibleAsync();
        var status = page.GetByTestId("run-status").Locator("[data-status]");
        var seen = new List<string>();
        var deadline = DateTime.UtcNow + RunTimeout;
        string current;
        while (true)
        {
            current = await status.GetAttributeAsync("data-status") ?? "";
            var image = panel.GetByTestId("image");
            if (await image.CountAsync() > 0 && await image.GetAttributeAsync("src") is { } src && (seen.Count == 0 || seen[^1] != src))
                seen.Add(src);
            if (current is "completed" or "failed" or "cancelled" or "interrupted") break;
            Assert.True(DateTime.UtcNow < deadline, $"The VAE is still '{current}' after {RunTimeout.TotalSeconds:0} s.");
            await Task.Delay(100);
        }
        Assert.Equal("completed", current);
        output.WriteLine("manifolds seen: " + string.Join(", ", seen));
        Assert.True(seen.Count >= 2, $"The manifold did not change while the page watched: {string.Join(", ", seen)}");
        await Expect(panel.GetByTestId("image-label")).ToHaveTextAsync("Epoch 4 of 4");

        // The images differ, not only their names: epoch 1 and epoch 4 are different PNGs.
        var first = await page.APIRequest.GetAsync($"/api/runs/{RunId(page)}/artifacts/manifold-e001.png");
        var last = await page.APIRequest.GetAsync($"/api/runs/{RunId(page)}/artifacts/manifold-e004.png");
        Assert.NotEqual(await first.BodyAsync(), await last.BodyAsync());
        await Expect(page.GetByTestId("test-elbo")).ToHaveTextAsync(new Regex(@"^-\d+(\.\d)?$"));
        await VinulaApp.ScreenshotAsync(page, "e2e-vae-completed.png");
    });

    private static string RunId(IPage page) => new Uri(page.Url).AbsolutePath.Split('/')[^1];

    private static async Task FillAsync(ILocator input, string text)
    {
        await input.FillAsync(text);
        await input.PressAsync("Tab");
    }

    [GeneratedRegex(@"/runs/[^/?#]+$")]
    private static partial Regex RunUrl();
}
