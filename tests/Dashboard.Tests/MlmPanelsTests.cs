using System.Text.Json;
using Bunit;
using Microsoft.AspNetCore.Components;
using Microsoft.Extensions.DependencyInjection;
using MudBlazor;
using Vinula.Dashboard.Components.Pages.New;
using Vinula.Runs.Storage;
using Vinula.Engine.Experiments;
using Vinula.Shared;
using Vinula.Shared.Artifacts;
using Vinula.Shared.Experiments;
using Vinula.Shared.Runs;

namespace Vinula.Dashboard.Tests;

/// <summary>The masked-LM run page and form: setup and layer map, the scoreboard beside DistilBERT's figures, the
/// guesses as text, and the New page's task switch loading the task's defaults.</summary>
public sealed class MlmPanelsTests : DashboardContext
{
    private void StoreFinishedMlmRun(string id, IReadOnlyList<int> seedLayers, Action<TextDistillConfig>? change = null)
    {
        var config = TextDistillConfig.ForTask(TextDistillTask.Mlm);
        change?.Invoke(config);
        var run = new RunDocument
        {
            Id = id, Name = id, Kind = ExperimentKinds.TextDistill, CreatedAt = DateTime.UtcNow,
            ConfigJson = ExperimentCatalog.ToJson(config).GetRawText(),
            Summary = new()
            {
                ["teacher.test_accuracy"] = 0.25, ["student.test_accuracy"] = 0.22, ["baseline.test_accuracy"] = 0.15,
                ["teacher.params"] = 280_000, ["student.params"] = 180_000, ["student.params_saved"] = 1 - 180.0 / 280,
                ["student.speedup"] = 1.72, ["student.accuracy_kept"] = 0.88, ["teacher.layers"] = 4, ["student.layers"] = 2,
                ["test.most_frequent_accuracy"] = 0.087,
            },
        };
        run.SetStatus(RunStatus.Queued, DateTime.UtcNow);
        run.SetStatus(RunStatus.Running, DateTime.UtcNow);
        run.SetStatus(RunStatus.Completed, DateTime.UtcNow);
        Store.Insert(run);
        Save(id, MlmSetup.ArtifactName, new MlmSetup(4, 2, seedLayers, 64, 1000, 64, 13985, 1500, 1500, 8098, "the", 0.087, 32, 2, false));
        foreach (var role in new[] { "teacher", "student", "baseline" })
            Save(id, MlmPredictions.ArtifactName(role), new MlmPredictions(role,
            [
                new MlmExample(["the", "<b>bold</b>", "cat", "sat"], [new MlmGuess(1, "<mask>", [role == "teacher" ? "<b>bold</b>" : "dog", "the", "a"], [0.5, 0.2, 0.1])]),
            ]));
    }

    private void Save<T>(string runId, string name, T value) =>
        Store.SaveArtifact(runId, new ArtifactInfo(name, "application/json", 1, null), JsonSerializer.SerializeToUtf8Bytes(value, VinulaJson.Options));

    [Fact]
    public void TheRunPageShowsTheLayerMapTheScoreboardBesideDistilBertAndTheGuessesAsText()
    {
        StoreFinishedMlmRun("m1", [0, 2]);
        Render<MudPopoverProvider>();
        var page = Render<Components.Pages.Run.RunPage>(p => p.Add(x => x.Id, "m1"));

        page.WaitForAssertion(() => Assert.Contains("student layer 1 ← teacher layer 2", page.Find("[data-testid='layer-map']").TextContent));
        Assert.Contains("8.7", page.Find("[data-testid='most-frequent']").TextContent);
        Assert.Contains("32 passages × 2 accumulation steps = 64", page.Find("[data-testid='mlm-counts']").TextContent);
        var comparison = page.Find("[data-testid='distilbert-comparison']").TextContent;
        Assert.Contains("36", comparison); // 1 − 180/280
        Assert.Contains("1.72×", comparison);
        Assert.Contains("88", comparison);
        Assert.Contains("40 %", comparison);
        Assert.Contains("22.00", page.Find("[data-testid='score-student']").TextContent);
        Assert.Contains("epoch by epoch", page.Find("[data-testid='student-vs-baseline']").Closest(".mud-paper")!.TextContent);

        // Passage words and guesses are text: the tag in the corpus never becomes an element.
        var guesses = page.Find("[data-testid='mlm-predictions']");
        Assert.Contains("<b>bold</b>", guesses.TextContent);
        Assert.Empty(guesses.QuerySelectorAll("b b, td b:not(:first-child) b"));
        Assert.DoesNotContain(guesses.QuerySelectorAll("b"), b => b.TextContent == "bold");
        Assert.Single(guesses.QuerySelectorAll(".mlm-right")); // only the teacher guessed the word
    }

    [Fact]
    public void UseAsTeacherOpensTheMaskedLmFormWithThatTeacherItsVocabularyAndNoTeacherFields()
    {
        StoreFinishedMlmRun("t1", [0, 2], c => { c.VocabularySize = 700; c.Teacher.Layers = 6; });
        Store.SaveCheckpoint("t1", Vinula.Engine.Training.Checkpoint.NameFor("teacher"), [1, 2, 3]);
        Render<MudPopoverProvider>();
        var runPage = Render<Components.Pages.Run.RunPage>(p => p.Add(x => x.Id, "t1"));
        var link = runPage.WaitForElement("[data-testid='use-as-teacher']").GetAttribute("href");
        Assert.Equal("/new/text-distill?teacher=t1", link);

        var nav = Services.GetRequiredService<NavigationManager>();
        nav.NavigateTo(link!);
        var page = Render<NewExperimentPage>(p => p.Add(x => x.Kind, ExperimentKinds.TextDistill));
        Assert.Contains("Its 6 layers × 64", page.Markup);
        Assert.Empty(page.FindAll("[data-testid='teacher.layers']"));
        Assert.Contains("700", page.FindAll("input").Select(i => i.GetAttribute("value")));
        Assert.False(page.Find("[data-testid='start']").HasAttribute("disabled"));
    }

    [Fact]
    public void AGenreRunOffersNoTeacherToReuse()
    {
        var run = new RunDocument { Id = "g1", Name = "g1", Kind = ExperimentKinds.TextDistill, CreatedAt = DateTime.UtcNow,
            ConfigJson = ExperimentCatalog.ToJson(new TextDistillConfig()).GetRawText() };
        run.SetStatus(RunStatus.Queued, DateTime.UtcNow);
        run.SetStatus(RunStatus.Running, DateTime.UtcNow);
        run.SetStatus(RunStatus.Completed, DateTime.UtcNow);
        Store.Insert(run);
        Store.SaveCheckpoint("g1", Vinula.Engine.Training.Checkpoint.NameFor("teacher"), [1, 2, 3]);
        Render<MudPopoverProvider>();
        var page = Render<Components.Pages.Run.RunPage>(p => p.Add(x => x.Id, "g1"));
        page.WaitForAssertion(() => Assert.Contains("Clone", page.Markup));
        Assert.Empty(page.FindAll("[data-testid='use-as-teacher']"));
    }

    [Fact]
    public void AStudentFromRandomWeightsSaysNothingWasCopied()
    {
        StoreFinishedMlmRun("m2", []);
        Render<MudPopoverProvider>();
        var page = Render<Components.Pages.Run.RunPage>(p => p.Add(x => x.Id, "m2"));
        page.WaitForAssertion(() => Assert.Contains("random weights", page.Find("[data-testid='layer-map']").TextContent));
    }

    [Fact]
    public void ThePresetLoadsTheMaskedLmDefaultsIntoTheForm()
    {
        Render<MudPopoverProvider>();
        var nav = Services.GetRequiredService<NavigationManager>();
        nav.NavigateTo(nav.GetUriWithQueryParameter("preset", "Masked LM: DistilBERT, scaled down"));
        var page = Render<NewExperimentPage>(p => p.Add(x => x.Kind, ExperimentKinds.TextDistill));
        var defaults = TextDistillConfig.ForTask(TextDistillTask.Mlm);
        Assert.Equal(defaults.Teacher.Layers.ToString(), page.Find("[data-testid='teacher.layers'] input, input[data-testid='teacher.layers']").GetAttribute("value"));
        Assert.Equal(defaults.GradientAccumulation.ToString(), page.Find("[data-testid='gradientAccumulation'] input, input[data-testid='gradientAccumulation']").GetAttribute("value"));
        Assert.Contains("64 passages now", page.Markup);
        Assert.False(page.Find("[data-testid='start']").HasAttribute("disabled"));
    }
}
