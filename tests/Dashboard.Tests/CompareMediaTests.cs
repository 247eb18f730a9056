using System.Text.Json;
using Bunit;
using Microsoft.AspNetCore.Components;
using Microsoft.Extensions.DependencyInjection;
using MudBlazor;
using Vinula.Dashboard.Components.Pages.Compare;
using Vinula.Runs.Storage;
using Vinula.Engine.Data;
using Vinula.Engine.Experiments;
using Vinula.Engine.Hosting;
using Vinula.Shared;
using Vinula.Shared.Artifacts;
using Vinula.Shared.Experiments;
using Vinula.Shared.Runs;

namespace Vinula.Dashboard.Tests;

/// <summary>The Compare page's image grids, sentences and homotopy across runs, and their state in the URL.</summary>
public sealed class CompareMediaTests() : DashboardContext(datasets: Path.Combine(RepositoryRoot.Find(), "data", "datasets"))
{
    private static readonly byte[] Png = [137, 80, 78, 71];

    private RunDto Run(string id, string kind, ExperimentConfig config, params string[] artifacts)
    {
        var run = new RunDocument { Id = id, Name = $"run {id}", Kind = kind, CreatedAt = DateTime.UtcNow, ConfigJson = ExperimentCatalog.ToJson(config).GetRawText() };
        run.SetStatus(RunStatus.Queued, DateTime.UtcNow);
        run.SetStatus(RunStatus.Running, DateTime.UtcNow);
        run.SetStatus(RunStatus.Completed, DateTime.UtcNow);
        Store.Insert(run);
        var step = 0L;
        foreach (var name in artifacts)
        {
            var group = name.StartsWith("manifold-digit", StringComparison.Ordinal) ? "manifold-by-label"
                : name.StartsWith("latent-walk", StringComparison.Ordinal) ? "walk"
                : name[..name.LastIndexOf('-')];
            Store.SaveArtifact(id, new ArtifactInfo(name, "image/png", step += 100, group), Png);
        }
        return RunDocument.ToDto(Store.Get(id)!);
    }

    private static string? Src(AngleSharp.Dom.IElement cell) => cell.QuerySelector("img")?.GetAttribute("src");

    private static AngleSharp.Dom.IElement Cell<T>(IRenderedComponent<T> page, string testId, string runId) where T : IComponent =>
        page.FindAll($"[data-testid='{testId}']").Single(e => e.GetAttribute("data-run") == runId);

    [Fact]
    public void TheEpochSliderShowsEachRunsImageAtThatEpochAndSaysWhenARunHasNone()
    {
        // A paused run's preview sits between epochs 1 and 2: it is never an epoch's image.
        var three = Run("v3", ExperimentKinds.Vae, new VaeConfig(), "samples-e001.png", "samples-s0000150.png", "samples-e002.png", "samples-e003.png");
        var one = Run("v1", ExperimentKinds.Vae, new VaeConfig(), "samples-e001.png");
        var asked = new List<int>();
        var grids = Render<CompareGrids>(p => p.Add(x => x.Runs, [three, one]).Add(x => x.Epoch, 2)
            .Add(x => x.EpochChanged, (int e) => asked.Add(e)));

        Assert.Contains("Epoch 2 of 3", grids.Find("[data-testid='compare-grid-epoch']").TextContent);
        var cells = grids.FindAll("[data-testid='compare-grid-run']");
        Assert.EndsWith("samples-e002.png", cells[0].QuerySelector("img")!.GetAttribute("src"));
        Assert.Null(cells[1].QuerySelector("img"));
        Assert.Equal("no image at epoch 2 (trained 1 epoch)", cells[1].QuerySelector("[data-testid='compare-grid-missing']")!.TextContent.Trim());

        grids.Find("input[type='range']").Input("3");
        Assert.Equal([3], asked); // the page owns the epoch (it goes into the URL); the component only reports it
        // ... yet shows the new epoch at once, not the old one until the URL comes back.
        Assert.Contains("Epoch 3 of 3", grids.Find("[data-testid='compare-grid-epoch']").TextContent);
        grids.Render(p => p.Add(x => x.Epoch, 3)); // the URL caught up
        grids.Render(p => p.Add(x => x.Epoch, 1)); // and the URL leads again
        Assert.EndsWith("samples-e001.png", grids.FindAll("[data-testid='compare-grid-run']")[0].QuerySelector("img")!.GetAttribute("src"));

        // Without an epoch in the URL, the last one; the shorter run still shows its own "trained 1 epoch".
        grids.Render(p => p.Add(x => x.Epoch, (int?)null));
        Assert.EndsWith("samples-e003.png", grids.FindAll("[data-testid='compare-grid-run']")[0].QuerySelector("img")!.GetAttribute("src"));
        Assert.DoesNotContain("samples-s0000150", grids.Markup);
    }

    [Fact]
    public void OnlyGroupsWithAnEpochsImageAreOfferedAndACommonOneFirst()
    {
        var vaegan = Run("vg", ExperimentKinds.VaeGan, new VaeGanConfig(), "reconstructions-e001.png", "samples-e001.png");
        var vae = Run("va", ExperimentKinds.Vae, new VaeConfig(), "manifold-e001.png", "samples-e001.png", "manifold-digit3.png", "latent-walk.png");
        var picked = new List<string>();
        var popovers = Render<MudPopoverProvider>();
        var grids = Render<CompareGrids>(p => p.Add(x => x.Runs, [vaegan, vae]).Add(x => x.GroupChanged, (string g) => picked.Add(g)));

        // samples is the one group both runs have; a manifold per digit and the latent walk are not per epoch.
        Assert.Equal(["samples", "reconstructions", "manifold"], EpochImages.Groups([Store.ListArtifacts("vg"), Store.ListArtifacts("va")]));
        // With no group common to all, the one most runs have comes first, whatever the usual order.
        ArtifactInfo Image(string group) => new($"{group}-e001.png", "image/png", 1, group);
        Assert.Equal(["reconstructions", "samples"], EpochImages.Groups([[Image("reconstructions")], [Image("reconstructions")], [Image("samples")]]));
        Assert.All(grids.FindAll("[data-testid='compare-grid-run'] img"), img => Assert.Contains("samples-e001.png", img.GetAttribute("src")));

        grids.Find("[data-testid='compare-grid-group']").Closest("div.mud-input-control")!.MouseDown();
        popovers.WaitForAssertion(() => Assert.Equal(3, popovers.FindAll(".mud-list-item").Count));
        popovers.FindAll(".mud-list-item").Single(i => i.TextContent.Trim() == "manifold").Click();
        Assert.Equal(["manifold"], picked);

        grids.Render(p => p.Add(x => x.Group, "manifold"));
        Assert.Equal("no manifold images (this vaegan run draws none)", Cell(grids, "compare-grid-run", "vg").QuerySelector("[data-testid='compare-grid-missing']")!.TextContent.Trim());
        Assert.EndsWith("manifold-e001.png", Src(Cell(grids, "compare-grid-run", "va")));
    }

    [Fact]
    public void SentencesOfTheSameEpochStandSideBySideAsText()
    {
        var long_ = Run("t3", ExperimentKinds.TextGan, new TextGanConfig());
        var short_ = Run("t1", ExperimentKinds.TextGan, new TextGanConfig());
        void Samples(string run, long step, string phase, params string[] samples) =>
            Store.SaveArtifact(run, new ArtifactInfo($"text-samples-s{step:D7}.json", "application/json", step, TextSampleSet.Group),
                JsonSerializer.SerializeToUtf8Bytes(new TextSampleSet(phase, samples), VinulaJson.Options));
        Samples("t3", 10, "mle", "the first epoch");
        Samples("t3", 20, "mle", "a <b>second</b> epoch");
        Samples("t3", 40, "adversarial", "after REINFORCE");
        Samples("t1", 10, "mle", "only one");
        var vae = Run("v", ExperimentKinds.Vae, new VaeConfig(), "samples-e001.png");

        var texts = Render<CompareTexts>(p => p.Add(x => x.Runs, [long_, short_, vae]).Add(x => x.Epoch, 2));

        var first = texts.FindAll("[data-testid='compare-text-run']")[0];
        Assert.Contains("a <b>second</b> epoch", first.QuerySelector("li")!.TextContent); // corpus text stays text
        Assert.Null(first.QuerySelector("li b"));
        Assert.Contains("maximum likelihood", first.TextContent);
        Assert.Contains("no samples at epoch 2 (trained 1 epoch)", texts.FindAll("[data-testid='compare-text-run']")[1].TextContent);
        Assert.Equal(2, texts.FindAll("[data-testid='compare-text-run']").Count); // the VAE has no sentences

        texts.Render(p => p.Add(x => x.Epoch, 3));
        Assert.Contains("after REINFORCE", texts.FindAll("[data-testid='compare-text-run']")[0].TextContent);
        Assert.Contains("adversarial", texts.FindAll("[data-testid='compare-text-run']")[0].TextContent);

        // Runs without sentences show nothing at all.
        Assert.Empty(Render<CompareTexts>(p => p.Add(x => x.Runs, [vae])).Markup.Trim());
    }

    [Fact]
    public void APrerenderNamesTheHomotopysRunsButRunsNoModel()
    {
        // A shared link's first HTML is thrown away when the circuit starts: encoding digits there would be paid twice.
        SetRendererInfo(new RendererInfo("Static", isInteractive: false));
        var pca = Run("p", ExperimentKinds.Autoencoder, new AutoencoderConfig { Model = AutoencoderModel.Pca });
        var panel = Render<CompareHomotopy>(p => p.Add(x => x.Runs, [pca]));
        Assert.NotNull(panel.Find("[data-testid='compare-homotopy-connecting']"));
        Assert.Empty(panel.FindAll("[data-testid='compare-homotopy-run']"));
        Assert.DoesNotContain("MNIST is not in the dataset cache", panel.Markup); // it did not even look for the digits
    }

    [Fact]
    public void TheComparePageRendersTheEpochGroupDigitsAndTFromItsUrlAndWritesMovesBack()
    {
        // The homotopy needs the real test digits; PCA refits from them, so no checkpoint is needed.
        _ = Services.GetRequiredService<DatasetCatalog>().Mnist;
        TorchSetup.Initialise(new EngineOptions { Threads = 1 });
        Run("p4", ExperimentKinds.Autoencoder, new AutoencoderConfig { Model = AutoencoderModel.Pca, LatentDim = 4, TrainSize = 300 },
            "reconstructions-e001.png", "reconstructions-e002.png");
        Run("p16", ExperimentKinds.Autoencoder, new AutoencoderConfig { Model = AutoencoderModel.Pca, LatentDim = 16, TrainSize = 300 }, "reconstructions-pca.png");
        Run("g", ExperimentKinds.Gan, new GanConfig(), "samples-e001.png", "samples-e002.png");
        var nav = Services.GetRequiredService<NavigationManager>();
        nav.NavigateTo("/compare?runs=p4,p16,g&epoch=2&grid=reconstructions&a=5&b=9&t=0.25");
        Render<MudPopoverProvider>();
        var page = Render<ComparePage>();

        Assert.Contains("Epoch 2 of 2", page.Find("[data-testid='compare-grid-epoch']").TextContent);
        Assert.EndsWith("reconstructions-e002.png", Src(Cell(page, "compare-grid-run", "p4")));
        Assert.EndsWith("reconstructions-pca.png", Src(Cell(page, "compare-grid-run", "p16"))); // fitted once: at every epoch
        Assert.Contains("no reconstructions images (this gan run draws none)", Cell(page, "compare-grid-run", "g").TextContent);
        Assert.Equal("5", page.Find("input[data-testid='compare-homotopy-a']").GetAttribute("value"));
        Assert.Equal("9", page.Find("input[data-testid='compare-homotopy-b']").GetAttribute("value"));
        Assert.Contains("t = 0.25", page.Find("[data-testid='compare-homotopy-t']").TextContent);
        Assert.Contains("a GAN has no encoder", page.Find("[data-testid='compare-homotopy-skipped']").TextContent);
        page.WaitForAssertion(() => Assert.Equal(2, page.FindAll("[data-testid='compare-homotopy-image']").Count), TimeSpan.FromSeconds(60));
        var quarter = Src(Cell(page, "compare-homotopy-run", "p4"));

        // Moving t goes into the URL, and the page shows the frame of the new t (no new model call needed).
        page.Find("[data-testid='compare-homotopy'] input[type='range']").Input("20");
        page.WaitForAssertion(() => Assert.Contains("t=1", nav.Uri)); // the slider hands its value on asynchronously
        page.WaitForAssertion(() => Assert.Contains("t = 1.00", page.Find("[data-testid='compare-homotopy-t']").TextContent));
        Assert.NotEqual(quarter, Src(Cell(page, "compare-homotopy-run", "p4")));

        page.Find("[data-testid='compare-grids'] input[type='range']").Input("1");
        page.WaitForAssertion(() => Assert.Contains("epoch=1", nav.Uri)); // the slider hands its value on asynchronously
        page.WaitForAssertion(() => Assert.EndsWith("reconstructions-e001.png", Src(Cell(page, "compare-grid-run", "p4"))));
        page.Find("input[data-testid='compare-homotopy-a']").Change("7");
        page.WaitForAssertion(() => Assert.Contains("a=7", nav.Uri)); // the field hands its value on asynchronously
    }
}
