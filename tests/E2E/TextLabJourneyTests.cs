using System.Net.Http.Json;
using System.Text;
using Microsoft.Playwright;
using Vinula.Shared;
using Vinula.Shared.Runs;
using static Microsoft.Playwright.Assertions;

namespace Vinula.E2E.Tests;

/// <summary>The text lab in the browser: a SeqGAN trained on an uploaded corpus streams its sentences to the Run
/// page while it trains, and markup in the corpus (so in what G learns to write) shows as text, never as HTML.</summary>
public sealed class TextLabJourneyTests(VinulaApp app, ITestOutputHelper output) : IClassFixture<VinulaApp>
{
    [Fact]
    public Task GeneratedTextAppearsLiveAndMarkupStaysText() => app.WithPageAsync(output, async page =>
    {
        // Characters of a tiny corpus full of tags: after a few epochs G writes tags too.
        var lines = Enumerable.Range(0, 80).Select(i => i % 2 == 0 ? "<b>bold</b> and <i>more</i>" : "<script>x()</script> here");
        using var form = new MultipartFormDataContent
        {
            { new ByteArrayContent(Encoding.UTF8.GetBytes(string.Join('\n', lines))), "file", "<img src=x onerror=alert(1)>.txt" },
        };
        var upload = await app.Http.PostAsync("api/corpora", form);
        upload.EnsureSuccessStatusCode();
        var corpusId = (await upload.Content.ReadFromJsonAsync<System.Text.Json.JsonElement>()).GetProperty("id").GetString();

        var body = $$"""
            { "kind": "text-gan", "config": { "corpus": "{{corpusId}}", "tokenizer": "char", "epochs": 40, "adversarialEpochs": 1,
              "discriminatorSteps": 2, "adversarialSteps": 2, "maxLength": 30, "hidden": 32, "embedding": 16, "filters": 8,
              "evalSamples": 20, "sampleEvery": 2, "batchSize": 16 } }
            """;
        var response = await app.Http.PostAsync("api/runs", new StringContent(body, Encoding.UTF8, "application/json"));
        Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync());
        var run = (await response.Content.ReadFromJsonAsync<RunDto>(VinulaJson.Options))!;

        await page.GotoAsync($"/runs/{run.Id}");
        var status = page.GetByTestId("run-status").Locator("[data-status]");
        await Expect(status).ToHaveAttributeAsync("data-status", "running", new() { Timeout = 60_000 });
        var samples = page.GetByTestId("text-samples").Locator("li");
        await Expect(samples.First).ToBeVisibleAsync(new() { Timeout = 60_000 });
        // Live: the list is replaced by newer samples while the run trains.
        var first = await page.GetByTestId("text-samples").InnerTextAsync();
        await Expect(page.GetByTestId("text-samples")).Not.ToHaveTextAsync(first, new() { Timeout = 60_000 });
        Assert.Equal("running", await status.GetAttributeAsync("data-status"));
        await VinulaApp.ScreenshotAsync(page, "e2e-text-gan-live.png");

        await Expect(status).ToHaveAttributeAsync("data-status", "completed", new() { Timeout = 180_000 });
        var text = await page.GetByTestId("text-samples").InnerTextAsync();
        output.WriteLine(text);
        Assert.Contains("<", text); // the tags G learned are shown as characters
        Assert.Equal(0, await page.Locator("[data-testid=text-samples] li code *").CountAsync()); // each sample is one text node
        Assert.Equal(0, await page.Locator("img[src='x']").CountAsync());
        Assert.Equal(0, await page.Locator("script", new() { HasText = "x()" }).CountAsync());
        await Expect(page.GetByTestId("bleu-table")).ToBeVisibleAsync();
    });
}
