using AngleSharp.Dom;
using Bunit;
using Microsoft.AspNetCore.Components;
using Microsoft.Extensions.DependencyInjection;
using Vinula.Dashboard.Components.Pages.Runs;
using Vinula.Dashboard.Runs;
using Vinula.Runs.Storage;
using Vinula.Shared.Runs;

namespace Vinula.Dashboard.Tests;

/// <summary>The Runs page's sortable headers, clickable tags, bulk bar and edit dialog.</summary>
public sealed class RunsPageActionsTests : DashboardContext
{
    private void Add(string id, string name, RunStatus status = RunStatus.Completed, params string[] tags)
    {
        var run = new RunDocument { Id = id, Name = name, Kind = "distill", CreatedAt = DateTime.UtcNow, Tags = [.. tags] };
        run.SetStatus(status, DateTime.UtcNow);
        Store.Insert(run);
    }

    private NavigationManager Nav => Services.GetRequiredService<NavigationManager>();

    /// <summary>MudTextField puts its test id on the input or around it, depending on the version.</summary>
    private static IElement Input<T>(IRenderedComponent<T> cut, string testId) where T : IComponent
    {
        var element = cut.Find($"[data-testid='{testId}']");
        return element.TagName is "INPUT" or "TEXTAREA" ? element : element.QuerySelector("input, textarea")!;
    }

    private IRenderedComponent<RunsPage> RenderPage()
    {
        Render<MudBlazor.MudPopoverProvider>();
        return Render<RunsPage>();
    }

    [Fact]
    public void ClickingAColumnHeaderSortsByItAndASecondClickReverses()
    {
        Add("h1", "first");
        var page = RenderPage();

        page.Find("button[data-sort='duration']").Click();
        Assert.Contains("sort=-duration", Nav.Uri);

        page.WaitForAssertion(() => Assert.Equal("descending", page.Find("button[data-sort='duration']").ParentElement!.GetAttribute("aria-sort")));
        page.Find("button[data-sort='duration']").Click();
        Assert.Contains("sort=duration", Nav.Uri);
        Assert.DoesNotContain("sort=-duration", Nav.Uri);

        page.Find("button[data-sort='name']").Click();
        Assert.Contains("sort=name", Nav.Uri);
    }

    [Fact]
    public void ClickingATagFiltersTheListByIt()
    {
        Add("t1", "tagged run", RunStatus.Completed, "mnist");
        Add("t2", "other run", RunStatus.Completed, "cifar");
        var page = RenderPage();

        // Each tag is drawn twice, in its column and under the name (CSS shows one by width): either filters.
        page.FindAll("button.tag-label").First(b => b.TextContent == "mnist").Click();

        Assert.Contains("tag=mnist", Nav.Uri);
        page.WaitForAssertion(() => Assert.DoesNotContain("other run", page.Find("[data-testid='runs-table']").TextContent));
        Assert.Contains("tagged run", page.Find("[data-testid='runs-table']").TextContent);
    }

    [Fact]
    public void BulkTagAddsTheTagToEachSelectedRun()
    {
        Add("b1", "one");
        Add("b2", "two");
        Add("b3", "three");
        var page = RenderPage();

        page.Find("input[aria-label='Select one']").Change(true);
        page.Find("input[aria-label='Select two']").Change(true);
        Input(page, "bulk-tag").Input("reviewed"); // immediate: the buttons enable while typing
        page.Find("[data-testid='bulk-add-tag']").Click();

        var service = Services.GetRequiredService<RunService>();
        Assert.Contains("reviewed", service.Get("b1")!.Tags);
        Assert.Contains("reviewed", service.Get("b2")!.Tags);
        Assert.DoesNotContain("reviewed", service.Get("b3")!.Tags);
        page.WaitForAssertion(() => Assert.Equal(2, page.FindAll(".tags-inline button.tag-label").Count(b => b.TextContent == "reviewed")), TimeSpan.FromSeconds(5));
    }

    [Fact]
    public void BulkDeleteRefusesARunningRunWithAMessage()
    {
        Add("d1", "finished");
        Add("d2", "training", RunStatus.Running);
        var dialogs = Render<MudBlazor.MudDialogProvider>();
        var page = RenderPage();

        page.Find("input[aria-label='Select finished']").Change(true);
        page.Find("input[aria-label='Select training']").Change(true);
        page.Find("[data-testid='bulk-delete']").Click();
        dialogs.WaitForAssertion(() => Assert.Contains(dialogs.FindAll("button"), b => b.TextContent.Trim() == "Delete"));
        dialogs.FindAll("button").Single(b => b.TextContent.Trim() == "Delete").Click();

        page.WaitForAssertion(() => Assert.Contains("running", page.Find("[data-testid='bulk-message']").TextContent));
        Assert.Contains("1 of 2 runs not deleted", page.Find("[data-testid='bulk-message']").TextContent);
        Assert.Null(Store.Get("d1"));
        Assert.NotNull(Store.Get("d2"));
    }

    [Fact]
    public void TheEditDialogSavesTagsAndNotesAndTheRowUpdates()
    {
        Add("e1", "to edit", RunStatus.Completed, "old");
        var dialogs = Render<MudBlazor.MudDialogProvider>();
        var page = RenderPage();

        page.Find("[data-testid='edit-run'], button[aria-label='Edit to edit']").Click();
        dialogs.WaitForAssertion(() => dialogs.Find("[data-testid='edit-save']"));
        Input(dialogs, "edit-tags").Change("old, fresh");
        Input(dialogs, "edit-notes").Change("Looks overfitted after epoch 4.");
        dialogs.Find("[data-testid='edit-save']").Click();

        var run = Services.GetRequiredService<RunService>().Get("e1")!;
        Assert.Equal(["old", "fresh"], run.Tags);
        Assert.Equal("Looks overfitted after epoch 4.", run.Notes);
        page.WaitForAssertion(() => Assert.Contains("fresh", page.Find("[data-testid='runs-table']").TextContent), TimeSpan.FromSeconds(5));
        dialogs.WaitForAssertion(() => Assert.Empty(dialogs.FindAll("[data-testid='edit-save']")));
    }
}
