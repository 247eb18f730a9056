using Bunit;
using MudBlazor;
using Vinula.Dashboard.Components.Pages.New;

namespace Vinula.Dashboard.Tests;

/// <summary>The transfer-set fields of the distill and sweep forms: empty means all, the engine's messages appear at the field.</summary>
public sealed class TransferSetFormTests : DashboardContext
{
    private IRenderedComponent<NewExperimentPage> RenderKind(string kind)
    {
        Render<MudPopoverProvider>();
        return Render<NewExperimentPage>(p => p.Add(x => x.Kind, kind));
    }

    private static AngleSharp.Dom.IElement Field(IRenderedComponent<NewExperimentPage> page, string testId) =>
        page.Find($"[data-testid='{testId}'] input, input[data-testid='{testId}']");

    [Theory]
    [InlineData("distill")]
    [InlineData("temperature-sweep")]
    public void ByDefaultTheTransferSetIsEmptyMeaningAllNotZero(string kind)
    {
        var page = RenderKind(kind);
        Assert.Equal("", Field(page, "transferSize").GetAttribute("value") ?? "");
        Assert.Equal("", Field(page, "omitDigits").GetAttribute("value") ?? "");
        Assert.False(page.Find("[data-testid='start']").HasAttribute("disabled"));
    }

    [Fact]
    public void ARepeatedOmittedDigitIsNamedByItsLabelAtTheField()
    {
        var page = RenderKind("distill");
        Field(page, "omitDigits").Input("3, 3");

        page.WaitForAssertion(() => Assert.Contains("Omitted digits (entry 2) repeats digit 3", page.Markup));
        Assert.True(page.Find("[data-testid='start']").HasAttribute("disabled"));
        Assert.Contains("repeats digit 3", Field(page, "omitDigits").Closest(".mud-input-control")!.TextContent);
    }

    [Fact]
    public void OmittedDigitsThatAreNotNumbersAreRefused()
    {
        var page = RenderKind("distill");
        Field(page, "omitDigits").Input("three");
        page.WaitForAssertion(() => Assert.Contains("Omitted digits must be digits separated by commas", page.Markup));
    }

    [Fact]
    public void ATransferSetSmallerThanTheKeptClassesIsRefusedAtTheField()
    {
        var page = RenderKind("distill");
        Field(page, "transferSize").Input("5");
        page.WaitForAssertion(() => Assert.Contains("at least 10 (one digit of each kept class)", page.Markup));
        Field(page, "transferSize").Input("");
        page.WaitForAssertion(() => Assert.DoesNotContain("one digit of each kept class", page.Markup));
        Assert.False(page.Find("[data-testid='start']").HasAttribute("disabled"));
    }
}
