using Bunit;
using MudBlazor;
using Vinula.Dashboard.Components.Live;
using Vinula.Dashboard.Components.Pages.Run;
using Vinula.Runs.Storage;
using Vinula.Engine.Models;
using Vinula.Engine.Training;
using Vinula.Shared.Runs;

namespace Vinula.Dashboard.Tests;

/// <summary>The download links the Run page offers: the Export menu and the image panels' download button.</summary>
public sealed class ExportLinksTests : DashboardContext
{
    private RunDocument Insert(string id)
    {
        var run = new RunDocument { Id = id, Name = "links", Kind = "distill", CreatedAt = DateTime.UtcNow };
        run.SetStatus(RunStatus.Completed, DateTime.UtcNow);
        Store.Insert(run);
        return run;
    }

    [Fact]
    public void TheExportMenuOffersEachStoredRolesWeightsInBothFormats()
    {
        var run = Insert("menu-run");
        using (var student = new Mlp(784, [8], 10))
            Store.SaveCheckpoint(run.Id, Checkpoint.NameFor("student"), Checkpoint.Write("student", 1, 10, new WeightsOnlyPhase(student)));
        var popovers = Render<MudPopoverProvider>(); // the open menu's items render here
        var menu = Render<ExportMenu>(p => p.Add(m => m.Run, RunDocument.ToDto(run)));

        menu.Find("[data-testid='export-menu'] button").Click();

        Assert.Equal($"/api/runs/{run.Id}/export/weights/student.safetensors", popovers.Find("[data-testid='export-student-safetensors']").GetAttribute("href"));
        Assert.Equal($"/api/runs/{run.Id}/export/weights/student.dat", popovers.Find("[data-testid='export-student-dat']").GetAttribute("href"));
        Assert.Empty(popovers.FindAll("[data-testid='export-teacher-dat']"));
        Assert.Contains(popovers.FindAll("a"), a => a.GetAttribute("href") == $"/api/runs/{run.Id}/export/zip");
    }

    [Fact]
    public void AnImagePanelLinksTheShownImageForDownloadNamedAfterTheRun()
    {
        var run = Insert("image-run");
        Store.SaveArtifact(run.Id, new ArtifactInfo("samples-e1.png", "image/png", 10, "samples"), [137, 80, 78, 71]);
        Store.SaveArtifact(run.Id, new ArtifactInfo("samples-e2.png", "image/png", 20, "samples"), [137, 80, 78, 71]);

        var panel = Render<ImageSeriesPanel>(p => p.Add(c => c.RunId, run.Id).Add(c => c.Group, "samples").Add(c => c.Title, "Samples"));

        var link = panel.Find("[data-testid='image-download']");
        Assert.Equal($"/api/runs/{run.Id}/artifacts/samples-e2.png?download=1", link.GetAttribute("href")); // the newest, as shown
        Assert.Equal("samples-e2.png", link.GetAttribute("download"));
    }

    /// <summary>A phase whose checkpoint is just a model's weights (a PCA-free, optimiser-free stand-in).</summary>
    private sealed class WeightsOnlyPhase(TorchSharp.torch.nn.Module model) : TrainingPhase(new PhasePlan("student", 1, 1))
    {
        public override void BeginEpoch(int epoch) { }
        public override IReadOnlyList<StepValue> Step(int epoch, int step) => [];
        public override void EndEpoch(int epoch, long globalStep, RunContext context) { }
        public override void Save(BinaryWriter writer) => model.save(writer);
        public override void Load(BinaryReader reader) => model.load(reader);
    }
}
