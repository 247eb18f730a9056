using Bunit;
using Microsoft.AspNetCore.Components;
using Microsoft.Extensions.DependencyInjection;
using MudBlazor;
using Vinula.Dashboard.Components.Pages.New;
using Vinula.Dashboard.Components.Pages.Run;
using Vinula.Dashboard.Kinds;
using Vinula.Runs.Storage;
using Vinula.Engine.Experiments;
using Vinula.Shared.Runs;

namespace Vinula.Dashboard.Tests;

/// <summary>Every kind the engine runs has one dashboard registration, and both pages draw kinds through it.</summary>
public sealed class KindRegistryTests : DashboardContext
{
    public static TheoryData<string> Kinds => [.. ExperimentCatalog.CreateDefault().All.Select(d => d.Kind).Order()];

    private KindRegistry Registry => Services.GetRequiredService<KindRegistry>();

    [Theory]
    [MemberData(nameof(Kinds))]
    public void EveryKindInTheEnginesCatalogHasADashboardRegistration(string kind)
    {
        Assert.True(Registry.Find(kind) is not null, $"'{kind}' has no registration in KindViews (docs/adding-a-kind.md).");
        Assert.Empty(Registry.Unregistered);
    }

    [Fact]
    public void KindsWithHomotopyOrStyleTransferHaveAnEncoderInTheEngine()
    {
        var catalog = ExperimentCatalog.CreateDefault();
        foreach (var kind in Registry.All.Where(k => k.Has(PanelCapabilities.Homotopy) || k.Has(PanelCapabilities.StyleTransfer)))
            Assert.True(catalog.Find(kind.Kind) is ILatentModelKind, $"'{kind.Kind}' declares a latent panel but its engine kind is no ILatentModelKind.");
    }

    [Fact]
    public void ARegistrationWhoseFormTakesAnotherConfigIsRefused()
    {
        var wrong = new ServiceCollection()
            .AddKindView<Shared.Experiments.VaeConfig, Components.Forms.GanForm, VaePanels>(Shared.Experiments.ExperimentKinds.Vae, (_, _) => "")
            .BuildServiceProvider().GetServices<DashboardKind>();
        var error = Assert.Throws<InvalidOperationException>(() => new KindRegistry(wrong, ExperimentCatalog.CreateDefault()));
        Assert.Contains("GanForm", error.Message);
    }

    [Theory]
    [MemberData(nameof(Kinds))]
    public void TheNewPageRendersTheKindsFormAndEstimateFromTheRegistry(string kind)
    {
        Render<MudPopoverProvider>();
        var page = Render<NewExperimentPage>(p => p.Add(x => x.Kind, kind));

        var registration = Registry.Find(kind)!;
        Assert.Equal(registration.Form, page.FindComponent<DynamicComponent>().Instance.Type);
        Assert.NotEmpty(page.FindAll("input[data-testid='epochs'], [data-testid='epochs'] input"));
        Assert.False(page.Find("[data-testid='start']").HasAttribute("disabled"));
        var defaults = ExperimentCatalog.CreateDefault().Find(kind)!.CreateDefault();
        Assert.Contains(registration.Estimate(defaults, new TrainingData(null)), page.Markup);
    }

    [Theory]
    [MemberData(nameof(Kinds))]
    public void TheRunPageRendersTheKindsPanelsAndSharedPanelsForAStoredRun(string kind)
    {
        var definition = ExperimentCatalog.CreateDefault().Find(kind)!;
        var run = new RunDocument
        {
            Id = $"run-{kind}", Name = $"a {kind} run", Kind = kind, CreatedAt = DateTime.UtcNow,
            ConfigJson = ExperimentCatalog.ToJson(definition.CreateDefault()).GetRawText(),
        };
        run.SetStatus(RunStatus.Completed, DateTime.UtcNow);
        Store.Insert(run);

        Render<MudPopoverProvider>();
        var page = Render<Components.Pages.Run.RunPage>(p => p.Add(x => x.Id, run.Id));

        var registration = Registry.Find(kind)!;
        var panels = page.FindComponent<DynamicComponent>().Instance;
        Assert.Equal(registration.Panels, panels.Type);
        Assert.IsAssignableFrom(definition.ConfigType, panels.Parameters!["Config"]);
        Assert.Equal(registration.Has(PanelCapabilities.LatentStructure), page.FindAll("[data-testid='latent-scatter']").Count == 1);
        Assert.Equal(registration.Has(PanelCapabilities.Homotopy), page.FindAll("[data-testid='homotopy']").Count == 1);
        Assert.Equal(registration.Has(PanelCapabilities.StyleTransfer), page.FindAll("[data-testid='style-picker']").Count == 1);
        Assert.Equal(registration.Has(PanelCapabilities.SampleQuality), page.Markup.Contains("Sample quality", StringComparison.Ordinal));
        if (registration.Has(PanelCapabilities.Homotopy))
            // No dataset cache here: the panel says so instead of running the model.
            Assert.Contains("MNIST is not in the dataset cache", page.Find("[data-testid='homotopy']").TextContent);
    }
}
