using Bunit;
using Microsoft.AspNetCore.Components;
using Microsoft.Extensions.DependencyInjection;
using MudBlazor;
using Vinula.Dashboard.Components.Pages.New;
using RunPage = Vinula.Dashboard.Components.Pages.Run.RunPage;
using Vinula.Runs.Storage;
using Vinula.Engine.Experiments;
using Vinula.Dashboard.Runs;
using Vinula.Shared.Events;
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

    private IRenderedComponent<NewExperimentPage> RenderForm(string kind = "distill")
    {
        Render<MudPopoverProvider>();
        return Render<NewExperimentPage>(p => p.Add(x => x.Kind, kind));
    }

    private static AngleSharp.Dom.IElement Field(IRenderedComponent<NewExperimentPage> page, string testId) =>
        page.Find($"[data-testid='{testId}'] input, input[data-testid='{testId}']");

    [Fact]
    public void ClearingEpochsSaysSoAndKeepsTheFieldEmptyInsteadOfZero()
    {
        var page = RenderForm();
        Field(page, "epochs").Input("");

        page.WaitForAssertion(() => Assert.Contains("Epochs: enter a whole number", page.Find("[data-testid='form-errors']").TextContent));
        Assert.Equal("", Field(page, "epochs").GetAttribute("value") ?? "");
        Assert.DoesNotContain("got 0", page.Markup);
        Assert.True(page.Find("[data-testid='start']").HasAttribute("disabled"));
    }

    [Fact]
    public void TextThatIsNotANumberIsRefusedAndKeptAsTyped()
    {
        var page = RenderForm();
        Field(page, "learningRate").Input("abc");

        page.WaitForAssertion(() => Assert.Contains("Learning rate: 'abc' is not a number", page.Find("[data-testid='form-errors']").TextContent));
        Assert.Equal("abc", Field(page, "learningRate").GetAttribute("value"));
        Assert.Equal("true", Field(page, "learningRate").GetAttribute("aria-invalid"));
        Assert.True(page.Find("[data-testid='start']").HasAttribute("disabled"));

        // A number again clears the message and is used.
        Field(page, "learningRate").Input("0.01");
        page.WaitForAssertion(() => Assert.Empty(page.FindAll("[data-testid='form-errors']")));
        Assert.False(page.Find("[data-testid='start']").HasAttribute("disabled"));
    }

    [Fact]
    public void FormMessagesUseTheLabelsAndPlainNumbersAndCountOneWrongFieldOnce()
    {
        var page = RenderForm();
        Field(page, "batchSize").Input("1000000000");
        page.WaitForAssertion(() => Assert.Contains("Batch size must be", page.Find("[data-testid='form-errors']").TextContent));
        var errors = page.Find("[data-testid='form-errors']").TextContent;
        Assert.DoesNotContain("batchSize", errors);
        Assert.DoesNotContain("E+", errors);
        Assert.True(errors.Contains("1 field needs attention"), errors);

        Field(page, "batchSize").Input("128");
        Field(page, "student.hidden").Input("0, 64");
        page.WaitForAssertion(() => Assert.Contains("Student hidden layers (entry 1) must be", page.Find("[data-testid='form-errors']").TextContent));
        errors = page.Find("[data-testid='form-errors']").TextContent;
        Assert.DoesNotContain("hidden[0]", errors);
        Assert.Contains("1 field needs attention", errors);
    }

    [Fact]
    public void TheCodeSizeChartGetsThisRunsPointWhenItCompletesWithoutAReload()
    {
        var run = StoreRun("autoencoder", RunStatus.Running);
        Render<MudPopoverProvider>();
        var page = Render<RunPage>(p => p.Add(x => x.Id, run.Id));
        Assert.Equal("0", page.Find("[data-testid='latent-size-chart']").GetAttribute("data-points"));

        // The run finishes: the runner stores its summary, then says so.
        Store.Modify(run.Id, r =>
        {
            r.Summary = new() { ["test.mse"] = 0.02, ["latent_dim"] = 16 };
            r.SetStatus(RunStatus.Completed, DateTime.UtcNow);
        });
        Services.GetRequiredService<RunEventBus>().Publish(new RunStatusChanged(run.Id, RunStatus.Completed, RunProgress.None, null));

        page.WaitForAssertion(() => Assert.Equal("1", page.Find("[data-testid='latent-size-chart']").GetAttribute("data-points")));
    }

    [Fact]
    public void ChartsSayTheyAreWaitingBeforeTheFirstEpochAndStopSayingItWhenPointsArrive()
    {
        var run = StoreRun("vae", RunStatus.Running);
        Render<MudPopoverProvider>();
        var page = Render<RunPage>(p => p.Add(x => x.Id, run.Id));
        var chart = page.FindAll(".chart-frame").First(f => f.QuerySelector("[data-testid='loss-chart']") is not null);
        Assert.Contains("Waiting for the first epoch", chart.TextContent);

        Services.GetRequiredService<RunEventBus>().Publish(new MetricsAppended(run.Id, [new MetricPoint("vae/elbo", 10, -200, DateTime.UtcNow)]));

        page.WaitForAssertion(() => Assert.DoesNotContain("Waiting for the first epoch",
            page.FindAll(".chart-frame").First(f => f.QuerySelector("[data-testid='loss-chart']") is not null).TextContent));
    }

    [Fact]
    public void ASweepThatReusedATeacherSaysWhereTheTeachersCurvesAre()
    {
        var definition = ExperimentCatalog.CreateDefault().Find("temperature-sweep")!;
        var config = (Vinula.Shared.Experiments.TemperatureSweepConfig)definition.CreateDefault();
        config.TeacherRunId = "teacher-run-1";
        var run = new RunDocument
        {
            Id = "sweep-1", Name = "a sweep", Kind = "temperature-sweep", CreatedAt = DateTime.UtcNow,
            ConfigJson = ExperimentCatalog.ToJson(config).GetRawText(),
        };
        run.SetStatus(RunStatus.Completed, DateTime.UtcNow);
        Store.Insert(run);
        Render<MudPopoverProvider>();

        var page = Render<RunPage>(p => p.Add(x => x.Id, run.Id));

        var teacher = page.FindAll(".chart-frame").First(f => f.QuerySelector("[data-testid='teacher-chart']") is not null);
        Assert.Contains("reused the teacher of run teacher-run-1", teacher.TextContent);
    }

    [Fact]
    public void TheSweepEstimateCountsInGoodEnglish()
    {
        var config = new Vinula.Shared.Experiments.TemperatureSweepConfig { Temperatures = [4], Seeds = [1], Epochs = 1 };
        config.Student.Epochs = null;

        var estimate = Services.GetRequiredService<Kinds.KindRegistry>().Find("temperature-sweep")!.Estimate(config, new Kinds.TrainingData(null));

        Assert.Contains("1 student (1 temperature × 1 seed) and 1 baseline for 1 epoch each", estimate);
    }

    [Fact]
    public void TheLogScaleInTheUrlReadsTrueInLowerCase()
    {
        var run = StoreRun();
        Render<MudPopoverProvider>();
        var page = Render<RunPage>(p => p.Add(x => x.Id, run.Id));

        page.Find("[data-testid='loss-chart']").Closest(".mud-paper")!.QuerySelector("input[type='checkbox']")!.Change(true);

        var nav = Services.GetRequiredService<NavigationManager>();
        page.WaitForAssertion(() => Assert.Contains("logy=true", nav.Uri, StringComparison.Ordinal));
    }

    [Fact]
    public void ARunBeforeItsFirstStepSaysWhatItIsPreparingInsteadOfEstimating()
    {
        var chip = Render<Components.Live.RunStatusChip>(p => p
            .Add(x => x.Status, RunStatus.Running).Add(x => x.Progress, new RunProgress(0, 0, 500, null)).Add(x => x.RunId, "r"));

        var line = chip.Find("[data-testid='run-progress']").TextContent;
        Assert.StartsWith("preparing: ", line);
        Assert.DoesNotContain("estimating", line);
    }
}
