using Bunit;
using Microsoft.AspNetCore.Components;
using Microsoft.Extensions.DependencyInjection;
using Vinula.Dashboard.Components.Pages.Runs;
using Vinula.Dashboard.Storage;
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
}
