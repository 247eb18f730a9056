using Vinula.Dashboard.Components.Forms;
using Vinula.Dashboard.Components.Pages.Run;
using Vinula.Shared.Experiments;
using static Vinula.Dashboard.Kinds.PanelCapabilities;

namespace Vinula.Dashboard.Kinds;

/// <summary>
/// Every experiment kind the dashboard shows: one registration per kind (form, panels, estimate beside Start,
/// shared panels). A kind in the engine's catalog without a line here fails <c>KindRegistryTests</c>.
/// See docs/adding-a-kind.md.
/// </summary>
public static class KindViews
{
    public static IServiceCollection AddKindViews(this IServiceCollection services)
    {
        services.AddKindView<DistillConfig, DistillForm, DistillPanels>(ExperimentKinds.Distill, (d, data) =>
            Teacher(d) + $"a student{(d.TrainBaseline ? " and a baseline" : "")} for {d.Student.Epochs ?? d.Epochs} epochs each on {data.Digits(d)} digits.");

        services.AddKindView<TemperatureSweepConfig, DistillForm, SweepPanels>(ExperimentKinds.TemperatureSweep, (s, data) =>
            Teacher(s) + $"{s.Temperatures.Count * s.Seeds.Count} students ({s.Temperatures.Count} temperatures × {s.Seeds.Count} seeds)" +
            $"{(s.TrainBaseline ? $" and {s.Seeds.Count} baselines" : "")} for {s.Student.Epochs ?? s.Epochs} epochs each on {data.Digits(s)} digits.");

        services.AddKindView<AutoencoderConfig, AutoencoderForm, AutoencoderPanels>(ExperimentKinds.Autoencoder, (a, data) =>
            a.Model == AutoencoderModel.Pca
                ? $"Fits {a.LatentDim} principal components on {data.Digits(a)} digits in one step."
                : $"Trains the autoencoder for {a.Epochs} epochs on {data.Digits(a)} digits.",
            LatentStructure | Homotopy);

        services.AddKindView<VaeConfig, VaeForm, VaePanels>(ExperimentKinds.Vae, (v, data) =>
            $"Trains the VAE for {v.Epochs} epochs on {data.Digits(v)} digits" + (v.LatentDim == 2 ? ", drawing its manifold every epoch." : "."),
            SampleQuality | LatentStructure | LatentPrior | Homotopy);

        services.AddKindView<CvaeConfig, VaeForm, VaePanels>(ExperimentKinds.Cvae, (c, data) =>
            $"Trains the cVAE for {c.Epochs} epochs on {data.Digits(c)} digits, drawing the style-transfer grid every epoch.",
            SampleQuality | LatentStructure | LatentPrior | Homotopy | StyleTransfer);

        services.AddKindView<GanConfig, GanForm, GanPanels>(ExperimentKinds.Gan, Gan, SampleQuality);

        services.AddKindView<CganConfig, GanForm, GanPanels>(ExperimentKinds.Cgan, Gan, SampleQuality);

        services.AddKindView<VaeGanConfig, VaeForm, VaeGanPanels>(ExperimentKinds.VaeGan, (g, data) =>
            $"Trains encoder, decoder and discriminator for {g.Epochs} epochs on {data.Digits(g)} digits.",
            SampleQuality | Homotopy);

        services.AddSingleton<KindRegistry>();
        return services;
    }

    private static string Teacher(DistillationConfig d) =>
        d.TeacherRunId is null ? $"Trains a teacher for {d.Teacher.Epochs ?? d.Epochs} epochs, then " : "Reuses a teacher, then trains ";

    private static string Gan(GanConfigBase g, TrainingData data) =>
        $"Trains G and D for {g.Epochs} epochs on {data.Digits(g)} digits, {g.DiscriminatorSteps} D step(s) per G step.";
}
