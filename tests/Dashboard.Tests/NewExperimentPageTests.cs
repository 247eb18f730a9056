using Bunit;
using MudBlazor;
using Vinula.Dashboard.Components.Pages.New;

namespace Vinula.Dashboard.Tests;

/// <summary>The distill form validates with the engine's rules and says which field is wrong.</summary>
public sealed class NewExperimentPageTests : DashboardContext
{
    private IRenderedComponent<NewExperimentPage> RenderDistill()
    {
        Render<MudPopoverProvider>();
        return Render<NewExperimentPage>(p => p.Add(x => x.Kind, "distill"));
    }

    private static AngleSharp.Dom.IElement Field(IRenderedComponent<NewExperimentPage> page, string testId) =>
        page.Find($"[data-testid='{testId}'] input, input[data-testid='{testId}']");

    [Fact]
    public void DefaultsAreValidAndStartIsEnabled()
    {
        var page = RenderDistill();
        Assert.False(page.Find("[data-testid='start']").HasAttribute("disabled"));
        Assert.Empty(page.FindAll("[data-testid='form-errors']"));
    }

    [Fact]
    public void AZeroTemperatureShowsItsMessageAtTheFieldAndDisablesStart()
    {
        var page = RenderDistill();
        Field(page, "temperature").Input("0");

        page.WaitForAssertion(() => Assert.Contains("Temperature T must be greater than 0", page.Markup));
        Assert.True(page.Find("[data-testid='start']").HasAttribute("disabled"));
        // At the field itself, not only in the summary beside Start.
        var control = Field(page, "temperature").Closest(".mud-input-control")!;
        Assert.Contains("Temperature T must be greater than 0", control.TextContent);
        Assert.Equal("true", Field(page, "temperature").GetAttribute("aria-invalid"));
        Assert.Contains("1 field needs attention", page.Find("[data-testid='form-errors']").TextContent);

        Field(page, "temperature").Input("2");
        page.WaitForAssertion(() => Assert.DoesNotContain("Temperature T must be greater than 0", page.Markup));
        Assert.False(page.Find("[data-testid='start']").HasAttribute("disabled"));
    }

    [Fact]
    public void HiddenLayersThatAreNotNumbersAreRefused()
    {
        var page = RenderDistill();
        Field(page, "student.hidden").Input("64, x");
        page.WaitForAssertion(() => Assert.Contains("Student hidden layers must be whole numbers separated by commas", page.Markup));
        Assert.True(page.Find("[data-testid='start']").HasAttribute("disabled"));
    }

    [Fact]
    public void AnAlphaAboveOneNamesAlphaByItsLabel()
    {
        var page = RenderDistill();
        Field(page, "alpha").Input("1.5");
        page.WaitForAssertion(() => Assert.Contains("α must be between 0 and 1", page.Markup));
    }
}
