using System.Text.Json;
using TorchSharp;
using Vinula.Engine.Losses;
using Vinula.Engine.Models;
using Vinula.Engine.Training;
using Vinula.Shared;
using Vinula.Shared.Artifacts;
using Vinula.Shared.Experiments;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;

namespace Vinula.Engine.Experiments.TextDistill;

/// <summary>
/// A text-distill run, task <c>mlm</c>: DistilBERT (Sanh et al. 2019) scaled down to a few minutes on a CPU. A BERT-style
/// teacher is pretrained by masked language modelling with dynamic masking (no next-sentence prediction, as RoBERTa);
/// a student with half its layers, initialised from every other teacher layer, learns from
/// L = w_soft·T²·KL(p_T‖q_T) + w_hard·CE_MLM + w_cos·(1 − cos(h_s, h_t)) (DistilBERT §3), and the same student
/// architecture from random weights on the masked-LM loss alone is the baseline. Every model steps once per
/// <c>gradientAccumulation</c> micro-batches. Summary: masked-token accuracy of each on the fixed test masks, sizes,
/// the share of the teacher's accuracy the student keeps, and its inference speed-up.
/// </summary>
public sealed class MlmRun : IExperimentRun
{
    /// <summary>Student and baseline draw their weights, dropout, data order and masks from this stream: they differ
    /// only in their loss and their initialisation.</summary>
    private const string StudentStream = "student";

    private readonly TextDistillConfig _config;
    private readonly MlmData _data;
    private readonly List<MaskedLanguageModel> _models = [];
    private readonly int[] _seedLayers;
    private readonly byte[]? _reusedTeacher;
    private MaskedLanguageModel? _teacher;
    private MaskedLanguageModel? _student;

    public MlmRun(TextDistillConfig config, RunContext context)
    {
        _config = config;
        if (config.TeacherRunId is { } teacherRun)
            _reusedTeacher = context.Library.LoadCheckpoint(teacherRun, Checkpoint.NameFor(TextDistillRun.TeacherRole))
                ?? throw new InvalidOperationException($"Run '{teacherRun}' has no stored teacher.");
        var brown = context.Data.Brown;
        _data = new MlmData(brown, config.PassageTokens, config.VocabularySize, config.TrainSize, config.MaskProbability, config.Seed);
        _seedLayers = SeedLayers(config);
        var studentLayers = StudentLayers(config);
        var mostFrequent = _data.Vocabulary[_data.MostFrequent];
        context.Log($"Brown: {brown.Source}; passages of at most {config.PassageTokens} words: {_data.TrainCount:N0} train, " +
                    $"{_data.ValidationX.shape[0]:N0} validation, {_data.TestX.shape[0]:N0} test; vocabulary {_data.Vocabulary.Size:N0}; " +
                    $"{_data.TestTargetCount:N0} masked test words; always guessing '{mostFrequent}' scores {_data.MostFrequentAccuracy:P1}.");
        context.Log(_seedLayers.Length == 0
            ? "student: random initialisation."
            : "student: " + string.Join(", ", _seedLayers.Select((t, i) => $"layer {i} ← teacher layer {t}")) + ", embeddings and head copied.");

        var setup = new MlmSetup(config.Teacher.Layers, studentLayers, _seedLayers, config.Teacher.Dim, _data.Vocabulary.Size,
            config.PassageTokens, _data.TrainCount, (int)_data.ValidationX.shape[0], (int)_data.TestX.shape[0], _data.TestTargetCount,
            mostFrequent, _data.MostFrequentAccuracy, config.BatchSize, config.GradientAccumulation, TeacherReused: _reusedTeacher is not null);
        context.Artifact(MlmSetup.ArtifactName, "application/json", 0, null, JsonSerializer.SerializeToUtf8Bytes(setup, VinulaJson.Options));
        context.Summary["test.count"] = _data.TestTargetCount;
        context.Summary["test.most_frequent_accuracy"] = _data.MostFrequentAccuracy;

        var steps = MlmPhase.StepsPerEpoch(_data, config.BatchSize, config.GradientAccumulation);
        var studentEpochs = config.Student.Epochs ?? config.Epochs;
        Plan =
        [
            // A reused teacher's phase trains 0 epochs: it only loads and scores the teacher.
            new PhasePlan(TextDistillRun.TeacherRole, _reusedTeacher is null ? config.Teacher.Epochs ?? config.Epochs : 0,
                MlmPhase.StepsPerEpoch(_data, config.BatchSize, accumulation: 1)),
            new PhasePlan(TextDistillRun.StudentRole, studentEpochs, steps),
            .. config.TrainBaseline ? [new PhasePlan(TextDistillRun.BaselineRole, studentEpochs, steps)] : Array.Empty<PhasePlan>(),
        ];
    }

    public IReadOnlyList<PhasePlan> Plan { get; }

    /// <summary>The student's layer count: <c>student.layers</c>, or half the teacher's rounded up.</summary>
    public static int StudentLayers(TextDistillConfig c) => c.Student.Layers ?? (c.Teacher.Layers + 1) / 2;

    /// <summary>The teacher layer that seeds each student layer: <c>initFromTeacherLayers</c>, or evenly spaced
    /// ⌊i·L_t/L_s⌋ (0, 2, 4, … for half the layers: DistilBERT's "one layer out of two").</summary>
    public static int[] SeedLayers(TextDistillConfig c)
    {
        if (c.InitFromTeacherLayers is { } named) return [.. named];
        var (teacher, student) = (c.Teacher.Layers, StudentLayers(c));
        return [.. Enumerable.Range(0, student).Select(i => i * teacher / student)];
    }

    public TrainingPhase StartPhase(PhasePlan plan, RunContext context)
    {
        var c = _config;
        switch (plan.Role)
        {
            case TextDistillRun.TeacherRole:
                _teacher = Own(CreateModel(c, _data.Vocabulary.Size, c.Teacher.Layers, TextDistillRun.TeacherRole));
                if (_reusedTeacher is not null)
                {
                    using var reader = new BinaryReader(new MemoryStream(_reusedTeacher));
                    Checkpoint.ReadHeader(reader);
                    _teacher.load(reader); // a checkpoint holds the model first, then its optimiser
                    context.Log($"teacher: reused from run {c.TeacherRunId}.");
                }
                return Phase(plan, _teacher, MlmPhase.MaskedLm(_teacher), c.Teacher.LearningRate ?? c.LearningRate, TextDistillRun.TeacherRole);
            case TextDistillRun.StudentRole:
                var teacher = _teacher ?? throw new InvalidOperationException("The teacher must be trained first.");
                _student = Own(CreateModel(c, _data.Vocabulary.Size, StudentLayers(c), StudentStream));
                if (_seedLayers.Length > 0) _student.CopyFrom(teacher, _seedLayers);
                var w = c.LossWeights;
                context.Log($"student: loss {w.Soft}·T²·KL(p_T‖q_T) at T = {c.Temperature} over {(c.SoftTargetPositions == TextSoftTargets.All ? "every word" : "the masked words")} " +
                            $"+ {w.Hard}·masked-LM CE + {w.Cosine}·(1 − cos(h_student, h_teacher)).");
                return Phase(plan, _student, Distillation(_student, teacher, c), c.Student.LearningRate ?? c.LearningRate, StudentStream);
            case TextDistillRun.BaselineRole:
                var baseline = Own(CreateModel(c, _data.Vocabulary.Size, StudentLayers(c), StudentStream));
                return Phase(plan, baseline, MlmPhase.MaskedLm(baseline), c.Student.LearningRate ?? c.LearningRate, StudentStream);
            default:
                throw new InvalidOperationException($"Unknown phase {plan.Role}.");
        }
    }

    /// <summary>A masked LM of the teacher's width with <paramref name="layers"/> layers, weights from (seed, stream).</summary>
    public static MaskedLanguageModel CreateModel(TextDistillConfig c, int vocabulary, int layers, string stream)
    {
        using var random = Seeds.Generator(c.Seed, Seeds.Of(stream));
        var t = c.Teacher;
        return new MaskedLanguageModel(vocabulary, c.PassageTokens, t.Dim, t.Heads, t.FeedForward, layers, t.Dropout)
            .Initialise(random).InitialiseEmbeddings(random);
    }

    /// <summary>
    /// DistilBERT's triple loss (Sanh et al. 2019, §3): w_soft·T²·KL(p_T‖q_T) between the teacher's and the student's
    /// word distributions at every non-padding position (or only the masked ones), w_hard·the masked-LM cross-entropy,
    /// and w_cos·mean(1 − cos(h_s, h_t)) over the last hidden states of every non-padding position. The teacher sees
    /// the same corrupted input, in eval mode, without gradients. KL rather than the soft cross-entropy H(p_T, q_T)
    /// (the paper's word): they differ by the teacher's entropy, a constant, so the gradient is the same and a perfect
    /// match scores 0.
    /// </summary>
    public static MlmObjective Distillation(MaskedLanguageModel student, MaskedLanguageModel teacher, TextDistillConfig c)
    {
        var (t, w, maskedOnly) = (c.Temperature, c.LossWeights, c.SoftTargetPositions == TextSoftTargets.Masked);
        teacher.eval();
        return (input, targets, ids) =>
        {
            var real = ids.ne(0);
            var studentHidden = student.Encode(input)[real]; // [n, D]: every non-padding position
            Tensor teacherHidden;
            using (torch.no_grad()) teacherHidden = teacher.Encode(input)[real];
            var words = targets[real];
            var asked = words.ne(DynamicMasking.Ignore);

            var softAt = maskedOnly ? asked : null;
            var studentLogits = student.Predict(softAt is null ? studentHidden : studentHidden[softAt]);
            Tensor teacherLogits;
            using (torch.no_grad()) teacherLogits = teacher.Predict(softAt is null ? teacherHidden : teacherHidden[softAt]);
            var soft = SoftTerm(studentLogits, teacherLogits, t);

            var askedLogits = softAt is null ? studentLogits[asked] : studentLogits;
            var askedWords = words[asked];
            var hard = F.cross_entropy(askedLogits, askedWords);
            var cosine = F.cosine_similarity(studentHidden, teacherHidden, dim: -1).neg().add(1).mean();
            var total = soft.mul(w.Soft).add(hard.mul(w.Hard)).add(cosine.mul(w.Cosine));
            return new MlmOutput(new LossTerms(total, ("soft_loss", soft), ("hard_loss", hard), ("cosine_loss", cosine)), askedLogits, askedWords);
        };
    }

    /// <summary>T²·KL(p_T‖q_T) averaged over positions [n, V]: the T² keeps the soft gradient T·(q_T − p_T) on the
    /// scale of the hard term's as T grows (Hinton et al. 2015, §2).</summary>
    public static Tensor SoftTerm(Tensor studentLogits, Tensor teacherLogits, double temperature) =>
        DistillationLoss.SoftTargetKl(studentLogits, teacherLogits, temperature).mul(temperature * temperature);

    private MlmPhase Phase(PhasePlan plan, MaskedLanguageModel model, MlmObjective objective, double learningRate, string stream) =>
        new(plan, model, _data, objective, learningRate, _config.BatchSize,
            plan.Role == TextDistillRun.TeacherRole ? 1 : _config.GradientAccumulation, _config.MaskProbability, _config.Seed, stream);

    private MaskedLanguageModel Own(MaskedLanguageModel model)
    {
        _models.Add(model);
        return model;
    }

    public void Complete(RunContext context)
    {
        var s = context.Summary;
        s["temperature"] = _config.Temperature;
        if (s.TryGetValue("teacher.test_accuracy", out var teacher) && s.TryGetValue("student.test_accuracy", out var student) && teacher > 0)
            s["student.accuracy_kept"] = student / teacher;
        if (s.TryGetValue("teacher.params", out var tp) && s.TryGetValue("student.params", out var sp) && tp > 0)
            s["student.params_saved"] = 1 - sp / tp;
        if (_teacher is not null && _student is not null)
        {
            var (teacherSeconds, studentSeconds) = TextModels.InferenceTimes(_teacher, _student, _data.TestX, _config.BatchSize);
            s["teacher.inference_seconds"] = teacherSeconds;
            s["student.inference_seconds"] = studentSeconds;
            s["student.speedup"] = teacherSeconds / studentSeconds;
        }
        context.Log("done: masked-token accuracy " + string.Join(", ", Plan.Select(p => p.Role).Where(r => s.ContainsKey($"{r}.test_accuracy"))
            .Select(r => $"{r} {s[$"{r}.test_accuracy"]:P1}")) + $" (always '{_data.Vocabulary[_data.MostFrequent]}': {_data.MostFrequentAccuracy:P1})" +
            (s.TryGetValue("student.accuracy_kept", out var kept) ? $"; the student keeps {kept:P0} of the teacher's accuracy" : "") +
            (s.TryGetValue("student.params_saved", out var saved) ? $" with {saved:P0} fewer parameters" : "") +
            (s.TryGetValue("student.speedup", out var speedup) ? $" and runs {speedup:0.0#}× faster." : "."));
    }

    public void Dispose()
    {
        foreach (var model in _models) model.Dispose();
        _models.Clear();
        _data.Dispose();
    }
}
