using System.Text.RegularExpressions;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Vinula.E2E.Tests;

/// <summary>The new-run form validates in the browser on every change, with the engine's own rules.</summary>
public sealed partial class FormValidationTests(VinulaApp app, ITestOutputHelper output) : IClassFixture<VinulaApp>
{
    [Fact]
    public Task ATemperatureOfZeroIsReportedAndDisablesStartUntilFixed() => app.WithPageAsync(output, async page =>
    {
        await OpenFormAsync(page);
        var temperature = page.GetByTestId("temperature");
        var start = page.GetByTestId("start");
        await Expect(start).ToBeEnabledAsync();
        await Expect(page.GetByTestId("form-errors")).ToHaveCountAsync(0);

        await SetAsync(temperature, "0");

        // The message beside the Start button names the field; Start cannot be pressed.
        var errors = page.GetByTestId("form-errors");
        await Expect(errors).ToBeVisibleAsync();
        await Expect(errors).ToContainTextAsync(Temperature());
        await Expect(start).ToBeDisabledAsync();
        await VinulaApp.ScreenshotAsync(page, "e2e-validation.png");

        // A valid value clears the message and enables Start again.
        await SetAsync(temperature, "2");
        await Expect(errors).ToHaveCountAsync(0);
        await Expect(start).ToBeEnabledAsync();
    });

    /// <summary>The field itself turns red with the message under it (the engine's message, handed to the field
    /// as its Validation: MudBlazor 9 overwrites a consumer-set Error/ErrorText, MudBlazor#12732).</summary>
    [Fact]
    public Task TheTemperatureFieldItselfShowsItsError() => app.WithPageAsync(output, async page =>
    {
        await OpenFormAsync(page);
        var temperature = page.GetByTestId("temperature");

        await SetAsync(temperature, "0");

        await Expect(temperature).ToHaveAttributeAsync("aria-invalid", "true");
        var field = page.Locator(".mud-input-control", new() { Has = temperature });
        await Expect(field.Locator(".mud-input-helper-text.mud-input-error")).ToContainTextAsync(Temperature());
    });

    private static async Task OpenFormAsync(IPage page)
    {
        await page.GotoAsync("/new/distill");
        // No prerender: the field exists once the circuit has rendered the page.
        await Expect(page.GetByTestId("temperature")).ToHaveValueAsync("4");
    }

    /// <summary>Type into a MudNumericField, then leave it.</summary>
    private static async Task SetAsync(ILocator input, string text)
    {
        await input.FillAsync(text);
        await input.PressAsync("Tab");
    }

    [GeneratedRegex("[Tt]emperature")]
    private static partial Regex Temperature();
}
