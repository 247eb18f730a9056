using System.Text.Json;
using Bunit;
using Vinula.Dashboard.Components.Live;
using Vinula.Shared.Runs;

namespace Vinula.Dashboard.Tests;

/// <summary>The homotopy and style-transfer panels' digit pickers: a cleared field is reported, never read as 0.</summary>
public sealed class DigitPickerTests : DashboardContext
{
    private static RunDto Completed(string kind) => new("d1", "done", kind, RunStatus.Completed, JsonDocument.Parse("{}").RootElement,
        new Dictionary<string, double>(), [], null, RunProgress.None, DateTime.UtcNow, DateTime.UtcNow, DateTime.UtcNow, null, []);

    [Fact]
    public void AClearedHomotopyDigitIsReportedNotReadAsZero()
    {
        var panel = Render<HomotopyPanel>(p => p.Add(x => x.Run, Completed("vae")));
        panel.Find("input[data-testid='homotopy-a'], [data-testid='homotopy-a'] input").Change("");
        panel.Find("[data-testid='homotopy-go']").Click();
        panel.WaitForAssertion(() => Assert.Contains("Pick test digits between 0 and", panel.Markup));
    }

    [Fact]
    public void AClearedStyleTransferDigitIsReportedNotReadAsZero()
    {
        var panel = Render<StyleTransferPanel>(p => p.Add(x => x.Run, Completed("cvae")));
        panel.Find("input[data-testid='style-row'], [data-testid='style-row'] input").Change("");
        panel.Find("[data-testid='style-go']").Click();
        panel.WaitForAssertion(() => Assert.Contains("Pick a test digit between 0 and", panel.Markup));
    }
}
