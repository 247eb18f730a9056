using Bunit;
using Microsoft.AspNetCore.Components;
using Microsoft.Extensions.DependencyInjection;
using MudBlazor;
using RunPage = Vinula.Dashboard.Components.Pages.Run.RunPage;
using Vinula.Dashboard.Storage;
using Vinula.Engine.Experiments;
using Vinula.Shared.Runs;

namespace Vinula.Dashboard.Tests;

/// <summary>What a new user tripped over in their first hour (issue #9), one test per fault.</summary>
public sealed class FirstHourTests : DashboardContext
{
    private RunDocument StoreRun(string kind = "distill", RunStatus status = RunStatus.Completed)
    {
        var definition = ExperimentCatalog.CreateDefault().Find(kind)!;
        var run = new RunDocument
        {
            Id = $"run-{kind}", Name = $"a {kind} run", Kind = kind, CreatedAt = DateTime.UtcNow,
            ConfigJson = ExperimentCatalog.ToJson(definition.CreateDefault()).GetRawText(),
        };
        run.SetStatus(status, DateTime.UtcNow);
        Store.Insert(run);
        return run;
    }

    [Theory]
    [InlineData(null)]
    [InlineData("config")]
    [InlineData("details")]
    public void LeavingARunPageDoesNotThrowWhileItsTabsAreDisposed(string? tab)
    {
        var run = StoreRun();
        Render<MudPopoverProvider>();
        var nav = Services.GetRequiredService<NavigationManager>();
        nav.NavigateTo(nav.GetUriWithQueryParameter("tab", tab));
        var page = Render<RunPage>(p => p.Add(x => x.Id, run.Id));
        Assert.Contains(run.Name, page.Markup);

        // What a circuit's renderer does when the browser leaves: it disposes every component, here the tab panels
        // last first, and each tells the tabs it is gone; the tabs then move the active index down to -1.
        var panels = page.FindComponents<MudTabPanel>().Select(c => c.Instance).Reverse().ToList();
        var error = Record.Exception(() =>
        {
            foreach (var panel in panels)
                page.InvokeAsync(() => panel.DisposeAsync().AsTask()).GetAwaiter().GetResult();
        });

        Assert.Null(error);
    }
}
