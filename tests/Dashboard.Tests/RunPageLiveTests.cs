using Bunit;
using Microsoft.Extensions.DependencyInjection;
using MudBlazor;
using Vinula.Dashboard.Runs;
using Vinula.Runs.Storage;
using Vinula.Engine.Experiments;
using Vinula.Shared.Events;
using Vinula.Shared.Experiments;
using Vinula.Shared.Runs;

namespace Vinula.Dashboard.Tests;

/// <summary>The Run page, live: events on the bus reach its charts and header, and only its own run's.</summary>
public sealed class RunPageLiveTests : DashboardContext
{
    private RunDocument StoreRunningGan(string id)
    {
        var run = new RunDocument
        {
            Id = id, Name = id, Kind = ExperimentKinds.Gan, CreatedAt = DateTime.UtcNow,
            ConfigJson = ExperimentCatalog.ToJson(new GanConfig()).GetRawText(),
        };
        run.SetStatus(RunStatus.Queued, DateTime.UtcNow);
        run.SetStatus(RunStatus.Running, DateTime.UtcNow);
        Store.Insert(run);
        Store.AppendMetrics(id, [new MetricPoint("d/loss", 10, 1.2, DateTime.UtcNow), new MetricPoint("g/loss", 10, 0.8, DateTime.UtcNow)]);
        return run;
    }

    private RunEventBus Bus => Services.GetRequiredService<RunEventBus>();

    private IEnumerable<JSRuntimeInvocation> Extends() =>
        JSInterop.Invocations.Where(i => i.Identifier.Contains("extend", StringComparison.OrdinalIgnoreCase));

    [Fact]
    public async Task APushedMetricsEventExtendsTheLossChartWithItsNewPointsOnly()
    {
        StoreRunningGan("g1");
        StoreRunningGan("other");
        Render<MudPopoverProvider>();
        var page = Render<Components.Pages.Run.RunPage>(p => p.Add(x => x.Id, "g1"));
        Assert.Empty(Extends());

        // Another run's points never reach this page; this run's step 10 is already drawn from the snapshot.
        Bus.Publish(new MetricsAppended("other", [new MetricPoint("d/loss", 20, 0.5, DateTime.UtcNow)]));
        Bus.Publish(new MetricsAppended("g1", [new MetricPoint("d/loss", 10, 1.2, DateTime.UtcNow)]));
        Bus.Publish(new MetricsAppended("g1", [new MetricPoint("d/loss", 20, 0.9, DateTime.UtcNow), new MetricPoint("g/loss", 20, 1.1, DateTime.UtcNow)]));

        // Extending a chart is a JS call, not a render, so bunit's render-driven waits do not see it: poll the calls.
        var deadline = DateTime.UtcNow.AddSeconds(20);
        while (!Extends().Any() && DateTime.UtcNow < deadline) await Task.Delay(20);
        await Task.Delay(200); // a second call (the other run's point, or the duplicate step) would come right after
        var extend = Assert.Single(Extends()); // one call: the other run's and the duplicate step were dropped
        var text = string.Join(" ", extend.Arguments.Select(a => System.Text.Json.JsonSerializer.Serialize(a)));
        Assert.Contains("0.9", text);
        Assert.Contains("1.1", text);
        Assert.DoesNotContain("0.5", text);
    }

    [Fact]
    public void ProgressPausesAndRenamesPatchTheHeaderWithoutAReload()
    {
        StoreRunningGan("g2");
        Render<MudPopoverProvider>();
        var page = Render<Components.Pages.Run.RunPage>(p => p.Add(x => x.Id, "g2"));
        Assert.NotNull(page.Find("[data-testid='pause']"));

        Bus.Publish(new RunProgressChanged("g2", new RunProgress(0.25, 40, 160, 12)));
        page.WaitForAssertion(() => Assert.Contains("25", page.Find("[data-testid='run-status']").TextContent), TimeSpan.FromSeconds(20));

        Bus.Publish(new RunMetadataChanged("g2", "renamed live", ["watch"], null, 200));
        page.WaitForAssertion(() => Assert.Equal("renamed live", page.Find("[data-testid='run-name']").TextContent), TimeSpan.FromSeconds(20));

        var lifecycle = Services.GetRequiredService<RunLifecycle>();
        lifecycle.Move("g2", RunStatus.Paused, "paused between steps");
        page.WaitForAssertion(() =>
        {
            Assert.Equal("paused", page.Find("[data-testid='run-status'] [data-status]").GetAttribute("data-status"));
            Assert.NotNull(page.Find("[data-testid='step']"));
            Assert.NotNull(page.Find("[data-testid='resume-live']"));
        }, TimeSpan.FromSeconds(20));
    }
}
