using Bunit;
using Microsoft.AspNetCore.Components;
using Microsoft.Extensions.DependencyInjection;
using Vinula.Dashboard.Components.Pages.Runs;
using Vinula.Runs.Storage;
using Vinula.Shared.Runs;

namespace Vinula.Dashboard.Tests;

public sealed class RunsPageTests : DashboardContext
{
    private void Add(string id, string name, RunStatus status, params string[] tags)
    {
        var run = new RunDocument { Id = id, Name = name, Kind = "distill", CreatedAt = DateTime.UtcNow, Tags = [.. tags] };
        run.SetStatus(status, DateTime.UtcNow);
        Store.Insert(run);
    }

    [Fact]
    public void NamesAndTagsAreShownAsTextNeverAsMarkup()
    {
        Add("r1", "<script>alert('x')</script><b>bold</b>", RunStatus.Completed, "<img src=x onerror=alert(1)>");
        Render<MudBlazor.MudPopoverProvider>();
        var page = Render<RunsPage>();

        Assert.Empty(page.FindAll("script"));
        Assert.DoesNotContain(page.FindAll("b"), b => b.TextContent == "bold");
        Assert.Empty(page.FindAll("img[src=x]"));
        Assert.Contains("<script>alert('x')</script><b>bold</b>", page.Find("[data-testid='runs-table']").TextContent);
    }

    [Fact]
    public void TheQueryStringFiltersTheList()
    {
        Add("a1", "first", RunStatus.Completed, "keep");
        Add("a2", "second", RunStatus.Failed);
        Render<MudBlazor.MudPopoverProvider>();
        var nav = Services.GetRequiredService<NavigationManager>();
        nav.NavigateTo("/?status=failed");
        var page = Render<RunsPage>();

        Assert.Contains("second", page.Markup);
        Assert.DoesNotContain("first", page.Find("[data-testid='runs-table']").TextContent);
    }

    [Fact]
    public void ManyRunsArePagedAndALinkOpensItsPage()
    {
        var start = DateTime.UtcNow.AddDays(-1);
        for (var i = 0; i < RunsPage.PageSize * 2 + 5; i++)
        {
            var run = new RunDocument { Id = $"m{i:000}", Name = $"run number {i:000}", Kind = "vae", CreatedAt = start.AddMinutes(i) };
            run.SetStatus(RunStatus.Completed, run.CreatedAt);
            Store.Insert(run);
        }
        Render<MudBlazor.MudPopoverProvider>();
        var nav = Services.GetRequiredService<NavigationManager>();
        nav.NavigateTo("/?page=3");
        var page = Render<RunsPage>();

        // Newest first: page 3 holds the five oldest runs.
        var table = page.Find("[data-testid='runs-table']").TextContent;
        Assert.Contains("run number 000", table);
        Assert.Contains("run number 004", table);
        Assert.DoesNotContain("run number 005", table);
        Assert.Equal($"Runs 101–105 of 105", page.Find("[data-testid='runs-range']").TextContent);

        // A filter starts again at page 1.
        nav.NavigateTo("/?page=3&kind=vae");
        page.WaitForAssertion(() => Assert.Contains("run number 004", page.Find("[data-testid='runs-table']").TextContent));
        page.Find("[data-testid='runs-pages'] button[aria-label='First page'], [data-testid='runs-pages'] li:nth-child(2) button").Click();
        Assert.DoesNotContain("page=", nav.Uri);
        page.WaitForAssertion(() => Assert.Contains("run number 104", page.Find("[data-testid='runs-table']").TextContent));
    }

    [Fact]
    public void TwoSelectedRunsOpenTheComparePageAndSurviveALiveReload()
    {
        Add("s1", "one", RunStatus.Completed);
        Add("s2", "two", RunStatus.Completed);
        Render<MudBlazor.MudPopoverProvider>();
        var page = Render<RunsPage>();

        page.Find("input[aria-label='Select one']").Change(true);
        page.Find("input[aria-label='Select two']").Change(true);
        Services.GetRequiredService<RunLifecycle>()
            .Create(new RunDocument { Id = "s3", Name = "three", Kind = "gan", CreatedAt = DateTime.UtcNow });

        page.WaitForAssertion(() => Assert.Contains("three", page.Find("[data-testid='runs-table']").TextContent), TimeSpan.FromSeconds(5));
        var compare = page.Find("[data-testid='compare']");
        Assert.Contains("Compare (2)", compare.TextContent);
        Assert.Contains("s1", compare.GetAttribute("href"));
        Assert.Contains("s2", compare.GetAttribute("href"));
        Assert.True(((AngleSharp.Html.Dom.IHtmlInputElement)page.Find("input[aria-label='Select one']")).IsChecked);
    }

    [Fact]
    public void ProgressPatchesItsRowWithoutReloadingTheList()
    {
        Add("p1", "training", RunStatus.Running);
        Render<MudBlazor.MudPopoverProvider>();
        var page = Render<RunsPage>(p => p.Add(x => x.ProgressEvery, TimeSpan.FromMilliseconds(100)));
        // Changed in the store behind the page's back: a reload would show it, a patch does not.
        Store.Modify("p1", r => r.Name = "renamed without an event");

        Services.GetRequiredService<RunEventBus>()
            .Publish(new Vinula.Shared.Events.RunProgressChanged("p1", new RunProgress(0.42, 42, 100, 30)));

        page.WaitForAssertion(() => Assert.Contains("42", page.Find("[data-testid='runs-table']").TextContent), TimeSpan.FromSeconds(10));
        Assert.Contains("training", page.Find("[data-testid='runs-table']").TextContent);
        Assert.DoesNotContain("renamed without an event", page.Markup);
    }

    [Fact]
    public void ANewRunAppearsLiveAndARenamePatchesItsRow()
    {
        Add("n1", "old name", RunStatus.Completed);
        Render<MudBlazor.MudPopoverProvider>();
        var page = Render<RunsPage>();
        var lifecycle = Services.GetRequiredService<RunLifecycle>();

        lifecycle.Create(new RunDocument { Id = "n2", Name = "brand new", Kind = "gan", CreatedAt = DateTime.UtcNow });
        Services.GetRequiredService<Vinula.Dashboard.Runs.RunService>().Update("n1", new UpdateRunRequest(Name: "new name"));

        page.WaitForAssertion(() =>
        {
            var table = page.Find("[data-testid='runs-table']").TextContent;
            Assert.Contains("brand new", table);
            Assert.Contains("new name", table);
        }, TimeSpan.FromSeconds(5));
    }
}
