using Bunit;
using Microsoft.Extensions.DependencyInjection;
using MudBlazor;
using Vinula.Dashboard.Components.Pages.Compare;
using Vinula.Dashboard.Storage;
using Vinula.Engine.Experiments;
using Vinula.Shared.Events;
using Vinula.Shared.Experiments;
using Vinula.Shared.Runs;

namespace Vinula.Dashboard.Tests;

/// <summary>The Compare page's axes, colours, default metric and marked winners.</summary>
public sealed class CompareTests : DashboardContext
{
    private static List<MetricPoint> Points(string series, params (long Step, double Value)[] points) =>
        [.. points.Select(p => new MetricPoint(series, p.Step, p.Value, DateTime.UtcNow))];

    [Fact]
    public void AStudentsFirstEpochIsAtOneWhetherOrNotItsRunTrainedItsTeacher()
    {
        // Run A trained a teacher for 2 epochs of 10 steps, then the student; run B reused a teacher.
        var withTeacher = new Dictionary<string, List<MetricPoint>>
        {
            ["teacher/test_accuracy"] = Points("teacher/test_accuracy", (10, 0.9), (20, 0.95)),
            ["student/test_accuracy"] = Points("student/test_accuracy", (30, 0.8), (40, 0.85)),
            ["student/train_loss"] = Points("student/train_loss", (25, 1.0), (30, 0.8), (35, 0.6), (40, 0.5)),
        };
        var reused = new Dictionary<string, List<MetricPoint>>
        {
            ["student/test_accuracy"] = Points("student/test_accuracy", (10, 0.8), (20, 0.85)),
            ["student/train_loss"] = Points("student/train_loss", (5, 1.0), (10, 0.8), (15, 0.6), (20, 0.5)),
        };
        foreach (var metrics in new[] { withTeacher, reused })
        {
            Assert.Equal([1.0, 2.0], EpochAxis.Positions(metrics["student/test_accuracy"], EpochAxis.EpochEnds("student/test_accuracy", metrics)));
            Assert.Equal([0.5, 1.0, 1.5, 2.0], EpochAxis.Positions(metrics["student/train_loss"], EpochAxis.EpochEnds("student/train_loss", metrics)));
        }
        // A live run's unfinished epoch goes on past the last end; a model without an epoch-level series counts points.
        Assert.Equal([2.5], EpochAxis.Positions(Points("student/train_loss", (25, 0.4)), [10, 20]));
        Assert.Equal([1.0, 2.0, 3.0], EpochAxis.Positions(Points("g/loss", (7, 1), (14, 1), (21, 1)), []));
    }

    [Fact]
    public void ARunKeepsItsColourWhateverRunsAreShownWithIt()
    {
        Assert.Equal(RunColors.Of("261202-31435f8c"), RunColors.Of("261202-31435f8c"));
        var colours = Enumerable.Range(0, 40).Select(i => RunColors.Of($"run-{i}")).Distinct().Count();
        Assert.True(colours >= 8, $"only {colours} colours for 40 runs");
    }

    [Theory]
    [InlineData("student.test_accuracy", new[] { 0.9, 0.95, 0.93 }, 0.95)]
    [InlineData("test.mse", new[] { 0.02, 0.01, 0.03 }, 0.01)]
    [InlineData("student.test_accuracy", new[] { 0.95, 0.95, 0.9 }, null)] // a tie marks nothing
    [InlineData("student.params", new[] { 100.0, 200.0 }, null)] // a size is not a result
    [InlineData("test.count", new[] { 100.0, 200.0 }, null)]
    [InlineData("temperature", new[] { 2.0, 4.0 }, null)]
    [InlineData("student.test_accuracy", new[] { 0.9 }, null)] // one run has nothing to beat
    public void OnlyAUniqueResultIsMarkedBest(string key, double[] values, double? best) =>
        Assert.Equal(best, SummaryBest.Of(key, values));

    [Fact]
    public void TheDefaultMetricIsOneEverySelectedRunHas()
    {
        string[] distill = ["teacher/test_accuracy", "student/test_accuracy", "student/train_loss"];
        string[] vae = ["vae/test_elbo", "vae/train_loss"];
        string[] gan = ["d/loss", "g/loss", "quality/coverage"];
        Assert.Equal("student/test_accuracy", DefaultMetric.For([distill, distill]));
        Assert.Equal("vae/test_elbo", DefaultMetric.For([vae, vae]));
        Assert.Equal("g/loss", DefaultMetric.For([gan, [.. gan, "g/nll"]]));
        Assert.Equal("vae/train_loss", DefaultMetric.For([vae, ["vae/train_loss", "d/loss"]]));
    }

    [Fact]
    public void ThePageNamesTheRunsInItsColoursAndDrawsByEpoch()
    {
        foreach (var (id, name, temperature) in new[] { ("c1", "cold", 1.0), ("c2", "hot", 10.0) })
        {
            var run = new RunDocument
            {
                Id = id, Name = name, Kind = ExperimentKinds.Distill, CreatedAt = DateTime.UtcNow,
                ConfigJson = ExperimentCatalog.ToJson(new DistillConfig { Temperature = temperature }).GetRawText(),
                Summary = new() { ["student.test_accuracy"] = temperature / 20, ["student.params"] = 1000, ["student.accuracy_kept"] = 0.5 },
            };
            run.SetStatus(RunStatus.Queued, DateTime.UtcNow);
            run.SetStatus(RunStatus.Running, DateTime.UtcNow);
            run.SetStatus(RunStatus.Completed, DateTime.UtcNow);
            Store.Insert(run);
            Store.AppendMetrics(id, Points("student/test_accuracy", (10, 0.4), (20, temperature / 20)));
        }
        var nav = Services.GetRequiredService<Microsoft.AspNetCore.Components.NavigationManager>();
        nav.NavigateTo("/compare?runs=c1,c2");
        Render<MudPopoverProvider>();
        var page = Render<ComparePage>();

        var header = page.Find("[data-testid='summary-table'] thead").InnerHtml;
        Assert.Contains("cold", header);
        Assert.Contains(RunColors.Of("c1"), header);
        Assert.Contains(RunColors.Of("c2"), header);
        Assert.Contains("temperature", page.Find("[data-testid='config-diff']").TextContent);
        var marked = page.FindAll("[data-testid='summary-table'] td[data-best]");
        Assert.Equal("50.00%", Assert.Single(marked).TextContent.Replace(" ", "")); // accuracy yes, params (a tie, and a size) no
        Assert.Contains("epoch (each model", page.Markup);
        var kept = page.FindAll("[data-testid='summary-table'] tr").First(r => r.TextContent.Contains("accuracy_kept"));
        Assert.Contains("50.00", kept.TextContent); // a share, shown as one (0.5 would read as a number)
    }
}
