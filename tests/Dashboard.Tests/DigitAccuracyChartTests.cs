using System.Text.Json;
using Bunit;
using Microsoft.Extensions.DependencyInjection;
using MudBlazor;
using Plotly.Blazor.Traces;
using Vinula.Dashboard.Components.Live;
using Vinula.Runs.Storage;
using Vinula.Engine.Experiments;
using Vinula.Shared;
using Vinula.Shared.Artifacts;
using Vinula.Shared.Experiments;
using Vinula.Shared.Runs;

namespace Vinula.Dashboard.Tests;

/// <summary>The per-digit bars of a distill run with omitted digits, and the digit confusion heat-map that marks them.</summary>
public sealed class DigitAccuracyChartTests : DashboardContext
{
    private static double[] Accuracy(double three) => [.. Enumerable.Range(0, 10).Select(d => d == 3 ? three : 0.95)];

    [Fact]
    public void TheChartHasOneBarSeriesPerModelAndShadesTheOmittedDigit()
    {
        DigitAccuracyChart.DigitBars[] bars =
        [
            new("teacher", RoleColors.Teacher, Accuracy(0.99)),
            new("student", RoleColors.Student, Accuracy(0.7)),
            new("student from scratch", RoleColors.Baseline, Accuracy(0)),
        ];

        var cut = Render<DigitAccuracyChart>(p => p.Add(c => c.Bars, bars).Add(c => c.Omitted, [3]));

        var traces = cut.Instance.Traces.Cast<Bar>().ToList();
        Assert.Equal(["teacher", "student", "student from scratch"], traces.Select(t => t.Name));
        Assert.Equal(0.7, (double)traces[1].Y[3]);
        var shade = Assert.Single(cut.Instance.Shading);
        Assert.Equal(2.5, Convert.ToDouble(shade.X0));
        Assert.Equal(3.5, Convert.ToDouble(shade.X1));
        Assert.Equal("3", cut.Find("[data-testid=omitted-digits]").TextContent);
    }

    [Fact]
    public void WithoutOmittedDigitsNothingIsShaded()
    {
        var cut = Render<DigitAccuracyChart>(p => p.Add(c => c.Bars, [new("teacher", RoleColors.Teacher, Accuracy(0.99))]));
        Assert.Empty(cut.Instance.Shading);
        Assert.Empty(cut.FindAll("[data-testid=omitted-digits]"));
    }

    [Fact]
    public void TheDigitHeatMapMarksTheOmittedDigitInItsRowAndColumn()
    {
        var labels = Enumerable.Range(0, 10).Select(d => d.ToString()).ToArray();
        var counts = labels.Select((_, t) => labels.Select((_, p) => t == 3 ? (p == 5 ? 6 : p == 3 ? 4 : 0) : p == t ? 10 : 0).ToArray()).ToArray();
        var matrix = new ConfusionMatrix("student", labels, counts);

        var cut = Render<ConfusionHeatmap>(p => p.Add(c => c.Title, "Student").Add(c => c.Role, "student").Add(c => c.Matrix, matrix)
            .Add(c => c.Category, "digit").Add(c => c.Examples, "digits").Add(c => c.Highlight, ["3"]));

        Assert.Equal(["3", "3"], cut.FindAll("[data-highlight=true]").Select(e => e.TextContent.Trim()));
        Assert.Contains("40", cut.FindAll("tbody tr")[3].QuerySelectorAll("td")[11].TextContent); // recall of 3: 4 of 10
        Assert.Contains("100 digits", cut.Markup);
        Assert.Contains("row = true digit", cut.Markup);
    }

    [Fact]
    public void AFinishedNoThreesRunShowsTheOmittedDigitFiguresTheBarsAndTheStudentBeforeAndAfterTheCorrection()
    {
        var store = Services.GetRequiredService<IRunStore>();
        var config = new DistillConfig { OmitDigits = [3], BiasCorrection = true };
        var run = new RunDocument
        {
            Id = "no-threes", Name = "no 3s", Kind = ExperimentKinds.Distill, CreatedAt = DateTime.UtcNow,
            ConfigJson = ExperimentCatalog.ToJson(config).GetRawText(),
            Summary = new() { ["student.omitted_accuracy"] = 0.715, ["student.omitted_accuracy_corrected"] = 0.899, ["baseline.omitted_accuracy"] = 0, ["bias_correction"] = 2.75 },
        };
        run.SetStatus(RunStatus.Completed, DateTime.UtcNow);
        store.Insert(run);
        var labels = Enumerable.Range(0, 10).Select(d => d.ToString()).ToArray();
        foreach (var role in new[] { "teacher", "student", "baseline", "student-corrected" })
        {
            var counts = labels.Select((_, t) => labels.Select((_, p) => p == t ? 9 : p == (t + 1) % 10 ? 1 : 0).ToArray()).ToArray();
            store.SaveArtifact(run.Id, new ArtifactInfo(ConfusionMatrix.ArtifactName(role), "application/json", 0, ConfusionMatrix.Group),
                JsonSerializer.SerializeToUtf8Bytes(new ConfusionMatrix(role, labels, counts), VinulaJson.Options));
        }

        Render<MudPopoverProvider>();
        var page = Render<Components.Pages.Run.RunPage>(p => p.Add(x => x.Id, run.Id));

        var summary = page.Find("[data-testid=omitted-summary]").TextContent;
        Assert.Contains("71.5", summary);
        Assert.Contains("89.9", summary);
        Assert.Contains("+2.75", summary);
        Assert.Contains("student from scratch: 0.0", summary);
        Assert.Single(page.FindAll("[data-testid=confusion-student]"));
        Assert.Single(page.FindAll("[data-testid=confusion-student-corrected]"));
        var chart = page.FindComponent<DigitAccuracyChart>().Instance;
        Assert.Equal(["teacher", "student", "student from scratch", "student, bias-corrected"], chart.Traces.Cast<Bar>().Select(t => t.Name));
        Assert.Single(chart.Shading);
    }
}
