using Vinula.Dashboard.Components.Forms;
using Vinula.Dashboard.Components.Live;
using Vinula.Dashboard.Components.Pages.Run;
using Vinula.Dashboard.Curves;
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
            Teacher(d) + $"a student{(d.TrainBaseline ? " and a baseline" : "")} for {Epochs(d.Student.Epochs ?? d.Epochs)} each on {data.Digits(d)} digits." + Transfer(d),
            defaultAxis: CurveAxis.Epoch);

        services.AddKindView<TemperatureSweepConfig, DistillForm, SweepPanels>(ExperimentKinds.TemperatureSweep, (s, data) =>
            Teacher(s) + $"{Formats.Count(s.Temperatures.Count * s.Seeds.Count, "student")} ({Formats.Count(s.Temperatures.Count, "temperature")} × {Formats.Count(s.Seeds.Count, "seed")})" +
            $"{(s.TrainBaseline ? $" and {Formats.Count(s.Seeds.Count, "baseline")}" : "")} for {Epochs(s.Student.Epochs ?? s.Epochs)} each on {data.Digits(s)} digits." + Transfer(s),
            defaultAxis: CurveAxis.Epoch);

        services.AddKindView<AutoencoderConfig, AutoencoderForm, AutoencoderPanels>(ExperimentKinds.Autoencoder, (a, data) =>
            a.Model == AutoencoderModel.Pca
                ? $"Fits {a.LatentDim} principal components on {data.Digits(a)} digits in one step."
                : $"Trains the autoencoder for {Epochs(a.Epochs)} on {data.Digits(a)} digits.",
            LatentStructure | Homotopy);

        services.AddKindView<VaeConfig, VaeForm, VaePanels>(ExperimentKinds.Vae, (v, data) =>
            $"Trains the VAE for {Epochs(v.Epochs)} on {data.Digits(v)} digits" + (v.LatentDim == 2 ? ", drawing its manifold every epoch." : "."),
            SampleQuality | LatentStructure | LatentPrior | Homotopy);

        services.AddKindView<CvaeConfig, VaeForm, VaePanels>(ExperimentKinds.Cvae, (c, data) =>
            $"Trains the cVAE for {Epochs(c.Epochs)} on {data.Digits(c)} digits, drawing the style-transfer grid every epoch.",
            SampleQuality | LatentStructure | LatentPrior | Homotopy | StyleTransfer);

        services.AddKindView<GanConfig, GanForm, GanPanels>(ExperimentKinds.Gan, Gan, SampleQuality);

        services.AddKindView<CganConfig, GanForm, GanPanels>(ExperimentKinds.Cgan, Gan, SampleQuality);

        services.AddKindView<VaeGanConfig, VaeForm, VaeGanPanels>(ExperimentKinds.VaeGan, (g, data) =>
            $"Trains encoder, decoder and discriminator for {Epochs(g.Epochs)} on {data.Digits(g)} digits.",
            SampleQuality | Homotopy);

        services.AddKindView<TextDistillConfig, TextDistillForm, TextDistillPanels>(ExperimentKinds.TextDistill, (t, _) => t.Task == TextDistillTask.Mlm
            ? (t.TeacherRunId is null ? $"Pretrains a {t.Teacher.Layers}-layer masked LM for {Epochs(t.Teacher.Epochs ?? t.Epochs)}, then" : $"Reuses a {t.Teacher.Layers}-layer masked LM, then trains") +
              $" a {(t.Student.Layers ?? (t.Teacher.Layers + 1) / 2)}-layer student{(t.TrainBaseline ? " and a baseline" : "")} " +
              $"for {Epochs(t.Student.Epochs ?? t.Epochs)} each ({t.BatchSize} × {t.GradientAccumulation} passages a step) on {(t.TrainSize is { } m ? m.ToString("N0") : "about 14,000")} Brown passages; {(t.TeacherRunId is null ? "3–4 minutes on 2 idle cores with the defaults (the teacher takes most of it)" : "about a minute on 2 idle cores")}."
            : $"Trains a Transformer teacher for {Epochs(t.Teacher.Epochs ?? t.Epochs)}, then a student{(t.TrainBaseline ? " and a baseline" : "")} for {Epochs(t.Student.Epochs ?? t.Epochs)} each" +
              $"{(t.TrainBagOfWords ? " and a bag-of-words model" : "")} on {(t.TrainSize is { } n ? n.ToString("N0") : "about 7,500")} Brown passages; 2–3 minutes on 2 cores with the defaults (the teacher takes most of it).",
            defaultAxis: CurveAxis.Epoch);

        services.AddKindView<TextGanConfig, TextGanForm, TextGanPanels>(ExperimentKinds.TextGan, (t, _) =>
            $"Pretrains G for {Epochs(t.PretrainEpochs ?? t.Epochs)} and D for {Epochs(t.Epochs)}, then {Epochs(t.AdversarialEpochs ?? t.Epochs)} of REINFORCE " +
            $"({(t.Rollouts > 0 ? $"{Formats.Count(t.Rollouts, "rollout")} per token" : "whole-sentence rewards")}) on " +
            $"{(t.TrainSize is { } n ? $"{n:N0}" : "all")} {(t.Corpus == TextGanConfig.Brown ? "Brown" : "uploaded")} sentences; the defaults take about 3–4 minutes on 2 cores.",
            PanelCapabilities.None);

        services.AddSingleton<KindRegistry>();
        return services;
    }

    private static string Teacher(DistillationConfig d) =>
        d.TeacherRunId is null ? $"Trains a teacher for {Epochs(d.Teacher.Epochs ?? d.Epochs)}, then " : "Reuses a teacher, then trains ";

    /// <summary>With a transfer set, what the students see instead of the teacher's digits.</summary>
    private static string Transfer(DistillationConfig d) =>
        d.TransferSize is null && d.OmitDigits is not { Count: > 0 } ? ""
        : $" Students{(d.TrainBaseline ? " and baselines" : "")} see {(d.TransferSize is { } n ? $"{n:N0} of them" : "them")}" +
          $"{(d.OmitDigits is { Count: > 0 } omit ? $" without {string.Join(", ", omit)}" : "")}; the teacher sees all.";

    private static string Epochs(int n) => Formats.Count(n, "epoch");

    private static string Gan(GanConfigBase g, TrainingData data) =>
        $"Trains G and D for {Epochs(g.Epochs)} on {data.Digits(g)} digits, {Formats.Count(g.DiscriminatorSteps, "D step")} per G step.";
}
