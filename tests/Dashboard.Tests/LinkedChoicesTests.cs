using System.Text.Json;
using Bunit;
using Microsoft.AspNetCore.Components;
using Microsoft.Extensions.DependencyInjection;
using MudBlazor;
using Vinula.Dashboard.Components.Live;
using Vinula.Shared.Runs;

namespace Vinula.Dashboard.Tests;

/// <summary>Digits chosen on a Run page's panels come back from a link.</summary>
public sealed class LinkedChoicesTests : DashboardContext
{
    private static RunDto Completed(string kind) => new("l1", "linked", kind, RunStatus.Completed, JsonDocument.Parse("{}").RootElement,
        new Dictionary<string, double>(), [], null, new RunProgress(1, 1, 1, null), DateTime.UtcNow, DateTime.UtcNow, DateTime.UtcNow, null, [], 0);

    [Fact]
    public void TheHomotopyOpensOnTheLinkedDigits()
    {
        Services.GetRequiredService<NavigationManager>().NavigateTo("/runs/l1?a=5&b=9");
        Render<MudPopoverProvider>();
        var panel = Render<HomotopyPanel>(p => p.Add(x => x.Run, Completed("vae")));

        Assert.Equal("5", panel.Find("input[data-testid='homotopy-a'], [data-testid='homotopy-a'] input").GetAttribute("value"));
        Assert.Equal("9", panel.Find("input[data-testid='homotopy-b'], [data-testid='homotopy-b'] input").GetAttribute("value"));
    }

    [Fact]
    public void StyleTransferOpensOnTheLinkedDigit()
    {
        Services.GetRequiredService<NavigationManager>().NavigateTo("/runs/l1?digit=42");
        Render<MudPopoverProvider>();
        var panel = Render<StyleTransferPanel>(p => p.Add(x => x.Run, Completed("cvae")));

        Assert.Equal("42", panel.Find("input[data-testid='style-row'], [data-testid='style-row'] input").GetAttribute("value"));
    }
}
