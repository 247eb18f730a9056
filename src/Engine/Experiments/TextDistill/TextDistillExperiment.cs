using System.Globalization;
using System.Text.Json.Nodes;
using Vinula.Engine.Training;
using Vinula.Shared.Experiments;

namespace Vinula.Engine.Experiments.TextDistill;

/// <summary>The <c>text-distill</c> kind: validation, presets and naming. <see cref="TextDistillRun"/> trains it.</summary>
public sealed class TextDistillExperiment : ExperimentDefinition<TextDistillConfig>
{
    public override string Kind => ExperimentKinds.TextDistill;
    public override string Title => "Text distillation (Brown genres)";

    public override string Description =>
        "Classify passages of the Brown corpus into its 15 genres. A small Transformer teacher learns from labels; a " +
        "much smaller student (averaged word embeddings → linear) learns from the teacher's softened outputs " +
        "p_i = exp(v_i/T) / Σ_j exp(v_j/T) with α·T²·KL(p_T‖q_T) + (1−α)·CE(y, q_1) (Hinton et al. 2015). Beside them: " +
        "the same student trained on labels alone, and a bag-of-words logistic regression on TF-IDF features.";

    public override IReadOnlyList<Preset> Presets { get; } =
    [
        new("Genre: Transformer → averaged embeddings", "The defaults: a 2-layer Transformer teacher (d = 48, 4 epochs), a 16-wide averaged-embeddings student, its baseline and a TF-IDF logistic regression; 2–3 minutes on 2 cores.",
            new JsonObject()),
        new("High temperature", "T = 10, α = 0.9: the student leans on the teacher's whole distribution over genres.",
            new JsonObject { ["temperature"] = 10, ["alpha"] = 0.9 }),
        new("Labels only (α = 0)", "α = 0 turns the soft term off: the 'distilled' student is a second baseline.",
            new JsonObject { ["alpha"] = 0.0 }),
    ];

    protected override void Validate(TextDistillConfig config, IRunLibrary library, ValidationErrors errors)
    {
        if (config.Task == TextDistillTask.Mlm)
            errors.Add("task", "The masked-LM task is not available yet in this version; choose \"genre\".");
        errors.Positive("temperature", config.Temperature, 1000);
        errors.Range("alpha", config.Alpha, 0, 1);
        errors.Range("passageTokens", config.PassageTokens, 8, 512);
        errors.Range("vocabularySize", config.VocabularySize, 100, 100_000);
        errors.Range("gradientAccumulation", config.GradientAccumulation, 1, 64);
        errors.Range("maskProbability", config.MaskProbability, 0.01, 0.9);
        if (config.BagOfWordsLearningRate is { } bowRate) errors.Positive("bagOfWordsLearningRate", bowRate, 10);

        if (config.LossWeights is not { } weights) errors.Add("lossWeights", "lossWeights is required.");
        else
        {
            errors.Range("lossWeights.soft", weights.Soft, 0, 100);
            errors.Range("lossWeights.hard", weights.Hard, 0, 100);
            errors.Range("lossWeights.cosine", weights.Cosine, 0, 100);
        }

        if (config.Teacher is not { } t) errors.Add("teacher", "teacher is required.");
        else
        {
            errors.Range("teacher.layers", t.Layers, 1, 8);
            errors.Range("teacher.dim", t.Dim, 4, 512);
            errors.Range("teacher.heads", t.Heads, 1, 16);
            if (t.Heads >= 1 && t.Dim % t.Heads != 0)
                errors.Add("teacher.heads", $"heads must divide dim ({t.Dim}); got {t.Heads}.");
            errors.Range("teacher.feedForward", t.FeedForward, 1, 4096);
            if (double.IsNaN(t.Dropout) || t.Dropout < 0 || t.Dropout >= 1)
                errors.Add("teacher.dropout", $"dropout must be at least 0 and less than 1; got {ValidationErrors.Format(t.Dropout)}.");
            if (t.Epochs is { } e) errors.Range("teacher.epochs", e, 1, CommonRules.MaxEpochs);
            if (t.LearningRate is { } lr) errors.Positive("teacher.learningRate", lr, 10);
        }

        if (config.Student is not { } s) errors.Add("student", "student is required.");
        else
        {
            errors.Range("student.dim", s.Dim, 1, 512);
            errors.Range("student.hidden", s.Hidden, 0, 4096);
            if (s.Epochs is { } e) errors.Range("student.epochs", e, 1, CommonRules.MaxEpochs);
            if (s.LearningRate is { } lr) errors.Positive("student.learningRate", lr, 10);
        }
    }

    protected override string DefaultName(TextDistillConfig config)
    {
        var t = config.Temperature.ToString("0.##", CultureInfo.InvariantCulture);
        var a = config.Alpha.ToString("0.##", CultureInfo.InvariantCulture);
        return $"genre T={t} α={a} student {config.Student.Dim}-d";
    }

    protected override IExperimentRun Create(TextDistillConfig config, RunContext context) => new TextDistillRun(config, context);
}
