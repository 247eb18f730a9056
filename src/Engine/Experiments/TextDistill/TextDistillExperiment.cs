using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Vinula.Engine.Training;
using Vinula.Shared.Experiments;

namespace Vinula.Engine.Experiments.TextDistill;

/// <summary>The <c>text-distill</c> kind: validation, presets and naming. <see cref="TextDistillRun"/> trains it.</summary>
public sealed class TextDistillExperiment : ExperimentDefinition<TextDistillConfig>
{
    public override string Kind => ExperimentKinds.TextDistill;
    public override string Title => "Text distillation (Brown genres, DistilBERT-style masked LM)";

    public override string Description =>
        "Classify passages of the Brown corpus into its 15 genres. A small Transformer teacher learns from labels; a " +
        "much smaller student (averaged word embeddings → linear) learns from the teacher's softened outputs " +
        "p_i = exp(v_i/T) / Σ_j exp(v_j/T) with α·T²·KL(p_T‖q_T) + (1−α)·CE(y, q_1) (Hinton et al. 2015). Beside them: " +
        "the same student trained on labels alone, and a bag-of-words logistic regression on TF-IDF features. " +
        "Task mlm, DistilBERT (Sanh et al. 2019) scaled down: a BERT-style teacher pretrained here by masked language modelling " +
        "with dynamic masking, and a student with half its layers, initialised from every other teacher layer, trained with " +
        "w_soft·T²·KL(p_T‖q_T) + w_hard·CE_MLM + w_cos·(1 − cos(h_s, h_t)), beside the same student from random weights.";

    public override IReadOnlyList<Preset> Presets { get; } =
    [
        new("Genre: Transformer → averaged embeddings", "The defaults: a 2-layer Transformer teacher (d = 48, 4 epochs), a 16-wide averaged-embeddings student, its baseline and a TF-IDF logistic regression; 2–3 minutes on 2 cores.",
            new JsonObject()),
        new("High temperature", "T = 10, α = 0.9: the student leans on the teacher's whole distribution over genres.",
            new JsonObject { ["temperature"] = 10, ["alpha"] = 0.9 }),
        new("Labels only (α = 0)", "α = 0 turns the soft term off: the 'distilled' student is a second baseline.",
            new JsonObject { ["alpha"] = 0.0 }),
        new("Masked LM: DistilBERT, scaled down", "A 4-layer BERT-style teacher pretrained on Brown with dynamic masking, a 2-layer student initialised from teacher layers 0 and 2 with DistilBERT's triple loss, and the same student from random weights on the masked-LM loss alone; 3–4 minutes on 2 idle cores (reuse its teacher with 'Use as teacher' to skip the longest part). Look at the masked-token accuracy against the 'always the most frequent word' line, and at what share of the teacher's accuracy the student keeps with how many fewer parameters.",
            new JsonObject { ["task"] = "mlm" }),
        new("Masked LM: student from random weights", "The same masked-LM run with initFromTeacherLayers = [] (nothing copied from the teacher): how much of DistilBERT's result is the initialisation?",
            new JsonObject { ["task"] = "mlm", ["initFromTeacherLayers"] = new JsonArray() }),
    ];

    /// <summary>A config that asks for the masked LM starts from that task's defaults (<see cref="TextDistillConfig.ForTask"/>).</summary>
    public override ExperimentConfig? DefaultsFor(JsonObject partial) =>
        partial["task"] is JsonValue v && v.TryGetValue<string>(out var task) && task == "mlm" ? TextDistillConfig.ForTask(TextDistillTask.Mlm) : null;

    protected override void Validate(TextDistillConfig config, IRunLibrary library, ValidationErrors errors)
    {
        if (config.TeacherRunId is { } teacherRun) CheckTeacherRun(config, teacherRun, library, errors);
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
            if (config.Task == TextDistillTask.Mlm && config.Teacher is { Layers: >= 1 and <= 8 } teacher)
                ValidateMlmStudent(config, teacher, s, errors);
            errors.Range("student.dim", s.Dim, 1, 512);
            errors.Range("student.hidden", s.Hidden, 0, 4096);
            if (s.Epochs is { } e) errors.Range("student.epochs", e, 1, CommonRules.MaxEpochs);
            if (s.LearningRate is { } lr) errors.Positive("student.learningRate", lr, 10);
        }
    }

    /// <summary>A reused teacher must be the stored teacher of a completed masked-LM run.</summary>
    private static void CheckTeacherRun(TextDistillConfig config, string runId, IRunLibrary library, ValidationErrors errors)
    {
        var run = library.Find(runId);
        if (config.Task != TextDistillTask.Mlm)
            errors.Add("teacherRunId", "Only the masked-LM task can reuse a teacher; the genre teacher trains in a couple of minutes.");
        else if (run is null)
            errors.Add("teacherRunId", $"No run '{runId}' exists.");
        else if (run.Kind != ExperimentKinds.TextDistill || !TextDistillConfig.IsMaskedLm(run.Config))
            errors.Add("teacherRunId", $"Run '{runId}' is not a masked-LM text-distill run; its teacher cannot be reused here.");
        else if (run.Status != Vinula.Shared.Runs.RunStatus.Completed)
            errors.Add("teacherRunId", $"Run '{runId}' is {run.Status.ToString().ToLowerInvariant()}; only a completed run's teacher can be reused.");
        else if (!library.HasCheckpoint(runId, Checkpoint.NameFor(TextDistillRun.TeacherRole)))
            errors.Add("teacherRunId", $"Run '{runId}' has no stored teacher (it reused one itself, or its checkpoint was deleted).");
    }

    /// <summary>With <c>teacherRunId</c>, the stored config takes the reused run's teacher, vocabulary size and passage
    /// length (<see cref="TextDistillConfig.ReuseTeacher"/>).</summary>
    protected override void Resolve(TextDistillConfig config, IRunLibrary library)
    {
        if (config.TeacherRunId is { } runId && library.Find(runId) is { } run
            && run.Config.Deserialize<TextDistillConfig>(Vinula.Shared.VinulaJson.Options) is { } source)
            config.ReuseTeacher(runId, source);
    }

    /// <summary>The masked-LM student shares the teacher's width; its layers and the teacher layers that seed them
    /// must exist.</summary>
    private static void ValidateMlmStudent(TextDistillConfig config, TextTeacherConfig teacher, TextStudentConfig student, ValidationErrors errors)
    {
        if (student.Layers is { } layers) errors.Range("student.layers", layers, 1, teacher.Layers);
        if (config.InitFromTeacherLayers is not { Count: > 0 } named) return;
        var expected = MlmRun.StudentLayers(config);
        if (named.Count != expected)
            errors.Add("initFromTeacherLayers", $"Name one teacher layer for each of the student's {expected} layers (or none, for random weights); got {named.Count}.");
        for (var i = 0; i < named.Count; i++)
            if (named[i] < 0 || named[i] >= teacher.Layers)
                errors.Add($"initFromTeacherLayers[{i}]", $"The teacher has layers 0 to {teacher.Layers - 1}; got {named[i]}.");
    }

    protected override string DefaultName(TextDistillConfig config)
    {
        if (config.Task == TextDistillTask.Mlm)
        {
            var init = config.InitFromTeacherLayers is { Count: 0 } ? "random init" : "init from teacher";
            return $"mlm {config.Teacher.Layers}→{MlmRun.StudentLayers(config)} layers, {init}, T={config.Temperature.ToString("0.##", CultureInfo.InvariantCulture)}";
        }
        var t = config.Temperature.ToString("0.##", CultureInfo.InvariantCulture);
        var a = config.Alpha.ToString("0.##", CultureInfo.InvariantCulture);
        return $"genre T={t} α={a} student {config.Student.Dim}-d";
    }

    protected override IExperimentRun Create(TextDistillConfig config, RunContext context) =>
        config.Task == TextDistillTask.Mlm ? new MlmRun(config, context) : new TextDistillRun(config, context);
}
