using System.Text.Json;
using Bunit;
using Microsoft.Extensions.DependencyInjection;
using MudBlazor.Services;
using Vinula.Dashboard.Components.Live;
using Vinula.Runs.Storage;
using Vinula.Shared;
using Vinula.Shared.Artifacts;
using Vinula.Shared.Runs;

namespace Vinula.Dashboard.Tests;

/// <summary>The T slider redraws p_i(T) and q_i(T) from stored logits, without retraining.</summary>
public sealed class SoftTargetsPanelTests : DashboardContext
{
    public SoftTargetsPanelTests()
    {
        // No dataset cache (DashboardContext): the panel shows labels instead of digit images.
        var store = Store;
        var run = new RunDocument { Id = "r1", Name = "r1", Kind = "distill", CreatedAt = DateTime.UtcNow };
        run.SetStatus(RunStatus.Completed, DateTime.UtcNow);
        store.Insert(run);
        var random = new Random(3);
        foreach (var role in new[] { "teacher", "student" })
        {
            var logits = Enumerable.Range(0, 40 * 10).Select(_ => (float)(random.NextDouble() * 8 - 4)).ToArray();
            var stored = new StoredLogits(role, "test", 10, [.. Enumerable.Range(0, 40)], [.. Enumerable.Range(0, 40).Select(i => i % 10)], logits);
            store.SaveArtifact("r1", new ArtifactInfo(StoredLogits.ArtifactName(role), "application/json", 1, "logits"),
                JsonSerializer.SerializeToUtf8Bytes(stored, VinulaJson.Options));
        }
    }

    [Fact]
    public void MovingTheTemperatureSliderRedrawsTheDistributionsAndTheirEntropies()
    {
        var panel = Render<SoftTargetsPanel>(p => p.Add(x => x.RunId, "r1").Add(x => x.InitialTemperature, 1));
        Assert.Equal(8, panel.FindAll("[data-testid='soft-example']").Count);
        var before = panel.FindAll("[data-testid='entropy']").Select(e => e.TextContent).ToList();
        var barsBefore = panel.Find(".bar.teacher").GetAttribute("style");

        panel.Find("input.mud-slider-input").Input(Math.Log10(20).ToString(System.Globalization.CultureInfo.InvariantCulture));

        panel.WaitForAssertion(() => Assert.Contains("T = 20", panel.Markup));
        var after = panel.FindAll("[data-testid='entropy']").Select(e => e.TextContent).ToList();
        Assert.NotEqual(before, after);
        Assert.NotEqual(barsBefore, panel.Find(".bar.teacher").GetAttribute("style"));
        // At T = 20 the logits (|z| ≤ 4) are nearly flat: every entropy is close to log 10 ≈ 2.30.
        Assert.All(after, text => Assert.StartsWith("H(p) = 2.", text));
    }

    [Fact]
    public void OtherDigitsShowsADifferentSetOfTestExamples()
    {
        var panel = Render<SoftTargetsPanel>(p => p.Add(x => x.RunId, "r1"));
        var before = string.Join("|", panel.FindAll("[data-testid='soft-example']").Select(e => e.TextContent));

        panel.Find("[data-testid='other-digits']").Click();

        panel.WaitForAssertion(() =>
            Assert.NotEqual(before, string.Join("|", panel.FindAll("[data-testid='soft-example']").Select(e => e.TextContent))));
        Assert.Equal(8, panel.FindAll("[data-testid='soft-example']").Count);
    }

    [Fact]
    public void TheActiveChoiceOfDigitsIsPressedNotDisabled()
    {
        var panel = Render<SoftTargetsPanel>(p => p.Add(x => x.RunId, "r1"));
        var leastSure = panel.Find("[data-testid='least-sure']");
        Assert.False(leastSure.HasAttribute("disabled"));
        Assert.Equal("true", leastSure.GetAttribute("aria-pressed"));

        panel.Find("[data-testid='other-digits']").Click();

        panel.WaitForAssertion(() => Assert.Equal("false", panel.Find("[data-testid='least-sure']").GetAttribute("aria-pressed")));
        Assert.Equal("true", panel.Find("[data-testid='other-digits']").GetAttribute("aria-pressed"));
    }

    [Fact]
    public void ALinkOpensTheSameTemperatureAndExamplesAndAChoiceGoesBackIntoIt()
    {
        var nav = Services.GetRequiredService<Microsoft.AspNetCore.Components.NavigationManager>();
        var first = Render<SoftTargetsPanel>(p => p.Add(x => x.RunId, "r1"));
        first.Find("[data-testid='other-digits']").Click();
        first.Find("[data-testid='other-digits']").Click();
        var shown = first.FindAll("[data-testid='soft-example']").Select(e => e.GetAttribute("data-row")).ToList();
        first.WaitForAssertion(() => Assert.Contains("examples=2", nav.Uri)); // once the choices rest
        Assert.Contains("softT=4", nav.Uri);

        nav.NavigateTo("/runs/r1?softT=12.5&examples=2");
        var linked = Render<SoftTargetsPanel>(p => p.Add(x => x.RunId, "r1"));
        Assert.Contains("T = 12.5", linked.Markup);
        Assert.Equal("true", linked.Find("[data-testid='other-digits']").GetAttribute("aria-pressed"));
        Assert.Equal(shown, linked.FindAll("[data-testid='soft-example']").Select(e => e.GetAttribute("data-row")));
    }
}
