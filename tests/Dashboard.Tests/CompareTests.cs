using Bunit;
using Microsoft.Extensions.DependencyInjection;
using MudBlazor;
using Vinula.Dashboard.Components.Pages.Compare;
using Vinula.Dashboard.Curves;
using Vinula.Runs.Storage;
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
        // Run A trained a teacher for 2 epochs of 10 steps, then the student; run B reused a teacher. The runner marks
        // every epoch's end with <phase>/epoch_seconds.
        var withTeacher = new Dictionary<string, List<MetricPoint>>
        {
            ["teacher/epoch_seconds"] = Points("teacher/epoch_seconds", (10, 1), (20, 1)),
            ["teacher/test_accuracy"] = Points("teacher/test_accuracy", (10, 0.9), (20, 0.95)),
            ["student/epoch_seconds"] = Points("student/epoch_seconds", (30, 1), (40, 1)),
            ["student/test_accuracy"] = Points("student/test_accuracy", (30, 0.8), (40, 0.85)),
            ["student/train_loss"] = Points("student/train_loss", (25, 1.0), (30, 0.8), (35, 0.6), (40, 0.5)),
        };
        var reused = new Dictionary<string, List<MetricPoint>>
        {
            ["student/epoch_seconds"] = Points("student/epoch_seconds", (10, 1), (20, 1)),
            ["student/test_accuracy"] = Points("student/test_accuracy", (10, 0.8), (20, 0.85)),
            ["student/train_loss"] = Points("student/train_loss", (5, 1.0), (10, 0.8), (15, 0.6), (20, 0.5)),
        };
        foreach (var metrics in new[] { withTeacher, reused })
        {
            Assert.Equal([1.0, 2.0], X(metrics, "student/test_accuracy", CurveAxis.Epoch));
            Assert.Equal([0.5, 1.0, 1.5, 2.0], X(metrics, "student/train_loss", CurveAxis.Epoch));
            Assert.Equal([5.0, 10.0, 15.0, 20.0], X(metrics, "student/train_loss", CurveAxis.ModelStep));
        }
        Assert.Equal([25.0, 30.0, 35.0, 40.0], X(withTeacher, "student/train_loss", CurveAxis.Step));
    }

    [Fact]
    public void ALiveModelsFirstEpochWaitsForItsEndOnTheEpochAxisButCountsItsOwnSteps()
    {
        var live = new Dictionary<string, List<MetricPoint>>
        {
            ["teacher/epoch_seconds"] = Points("teacher/epoch_seconds", (10, 1), (20, 1)),
            ["student/train_loss"] = Points("student/train_loss", (25, 1.0), (28, 0.9)),
        };
        Assert.Equal(new object?[] { null, null }, CurveX.Of("student/train_loss", live["student/train_loss"], live, CurveAxis.Epoch, DateTime.UnixEpoch));
        Assert.Equal([5.0, 8.0], X(live, "student/train_loss", CurveAxis.ModelStep));
        // Once it has one epoch end, a step past it goes on at the same pace (an unfinished epoch).
        live["student/epoch_seconds"] = Points("student/epoch_seconds", (30, 1));
        live["student/train_loss"].Add(new MetricPoint("student/train_loss", 35, 0.7, DateTime.UtcNow));
        Assert.Equal([0.5, 0.8, 1.5], X(live, "student/train_loss", CurveAxis.Epoch));
    }

    [Fact]
    public void SeriesOfModelsTrainedTogetherTakeTheirPhasesEpochs()
    {
        // A GAN's g and d train in one phase, "gan": their steps take its epoch ends.
        var gan = new Dictionary<string, List<MetricPoint>>
        {
            ["gan/epoch_seconds"] = Points("gan/epoch_seconds", (100, 1), (200, 1)),
            ["g/loss"] = Points("g/loss", (50, 1), (100, 1), (150, 1), (200, 1)),
        };
        Assert.Equal([0.5, 1.0, 1.5, 2.0], X(gan, "g/loss", CurveAxis.Epoch));
        Assert.True(EpochAxis.IsEpochLevel("gan/epoch_seconds", gan["gan/epoch_seconds"], EpochAxis.Phases(gan)));
        Assert.False(EpochAxis.IsEpochLevel("g/loss", gan["g/loss"], EpochAxis.Phases(gan)));
    }

    [Fact]
    public void TimeAxesReadTheClock()
    {
        var start = new DateTime(2026, 12, 2, 6, 0, 0, DateTimeKind.Utc);
        var points = new List<MetricPoint> { new("a/loss", 1, 1, start.AddSeconds(2)), new("a/loss", 2, 1, start.AddSeconds(4.5)) };
        var all = new Dictionary<string, List<MetricPoint>> { ["a/loss"] = points, ["a/epoch_seconds"] = [new("a/epoch_seconds", 2, 1, start)] };
        Assert.Equal(new object?[] { 2.0, 4.5 }, CurveX.Of("a/loss", points, all, CurveAxis.RelativeTime, start));
        Assert.Equal(start, CurveX.Origin(all));
        Assert.Equal("2026-12-02 06:00:02.000", CurveX.Of("a/loss", points, all, CurveAxis.WallTime, start)[0]);
    }

    private static double[] X(Dictionary<string, List<MetricPoint>> all, string series, CurveAxis axis) =>
        [.. CurveX.Of(series, all[series], all, axis, DateTime.UnixEpoch).Select(x => Convert.ToDouble(x, System.Globalization.CultureInfo.InvariantCulture))];

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
        // Different families share nothing (but timings): the most telling metric any of them has, never epoch_seconds.
        Assert.Equal("vae/test_elbo", DefaultMetric.For([["ae/epoch_seconds", "ae/test_mse"], [.. gan, "gan/epoch_seconds"], [.. vae, "vae/epoch_seconds"]]));
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

    [Fact]
    public void TheUrlOpensTheSameCurves()
    {
        foreach (var id in new[] { "u1", "u2" })
        {
            var run = new RunDocument { Id = id, Name = $"run {id}", Kind = ExperimentKinds.Distill, CreatedAt = DateTime.UtcNow, ConfigJson = "{}" };
            run.SetStatus(RunStatus.Queued, DateTime.UtcNow);
            Store.Insert(run);
            Store.AppendMetrics(id, [.. Points("student/epoch_seconds", (10, 1), (20, 1)), .. Points("student/test_accuracy", (10, 0.5), (20, 0.6)),
                .. Points("student/train_loss", (5, 1), (10, 0.8), (15, 0.7), (20, 0.6))]);
        }
        var nav = Services.GetRequiredService<Microsoft.AspNetCore.Components.NavigationManager>();
        nav.NavigateTo("/compare?runs=u1,u2&metric=student/test_accuracy,student/train_loss&x=model-step&smooth=0.6&logx=true&logy=true");
        Render<MudPopoverProvider>();
        var page = Render<ComparePage>();

        Assert.Equal(["student/test_accuracy", "student/train_loss"], page.FindAll("[data-testid='compare-chart']").Select(c => c.GetAttribute("data-metric")));
        Assert.Contains("step (each model", page.Find("[data-testid='curve-x']").OuterHtml);
        Assert.Equal("0.60", page.Find("[data-testid='curve-smoothing-value']").TextContent);
        Assert.Contains("checked", page.Find("[data-testid='curve-logx']").OuterHtml);
        Assert.NotNull(page.Find("[data-testid='copy-link']"));

        // A metric no run has is dropped; with none left the page opens on the default.
        nav.NavigateTo("/compare?runs=u1,u2&metric=nope");
        page.WaitForAssertion(() => Assert.Equal(["student/test_accuracy"], page.FindAll("[data-testid='compare-chart']").Select(c => c.GetAttribute("data-metric"))));
    }
}
