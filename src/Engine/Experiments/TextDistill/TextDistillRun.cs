using System.Text.Json;
using TorchSharp;
using Vinula.Engine.Losses;
using Vinula.Engine.Models;
using Vinula.Engine.Training;
using Vinula.Shared;
using Vinula.Shared.Artifacts;
using Vinula.Shared.Experiments;
using static TorchSharp.torch;

namespace Vinula.Engine.Experiments.TextDistill;

/// <summary>
/// A text-distill run, task <c>genre</c>: the Transformer teacher on labels, then the averaged-embeddings student
/// on the teacher's softened outputs (α·T²·KL(p_T‖q_T) + (1−α)·CE, Hinton et al. 2015), optionally the same student
/// from scratch (same seed, same data order) and a bag-of-words logistic regression. Summary: each model's test
/// accuracy and size, and the student's speed-up over the teacher at inference.
/// </summary>
public sealed class TextDistillRun : IExperimentRun
{
    public const string TeacherRole = "teacher";
    public const string StudentRole = "student";
    public const string BaselineRole = "baseline";
    public const string BagOfWordsRole = "bow";

    /// <summary>Student and baseline draw their weights, dropout and data order from this stream: they differ only in
    /// their loss.</summary>
    private const string StudentStream = "student";

    private readonly TextDistillConfig _config;
    private readonly GenreData _data;
    private readonly List<nn.Module<Tensor, Tensor>> _models = [];
    private TextTransformer? _teacher;
    private AveragedEmbeddings? _student;
    private Tensor? _teacherTrainLogits;

    public TextDistillRun(TextDistillConfig config, RunContext context)
    {
        if (config.Task != TextDistillTask.Genre)
            throw new InvalidOperationException($"{nameof(TextDistillRun)} trains the genre task; {nameof(MlmRun)} trains task {config.Task}.");
        _config = config;
        var brown = context.Data.Brown;
        _data = new GenreData(brown, config.PassageTokens, config.VocabularySize, config.TrainSize, config.Seed);
        var stats = _data.Stats;
        context.Log($"Brown: {brown.Source}; passages of at most {config.PassageTokens} word tokens (whole sentences of one file): " +
                    $"{_data.Train.Count:N0} train, {_data.Validation.Count:N0} validation, {_data.Test.Count:N0} test; " +
                    $"vocabulary {_data.Vocabulary.Size:N0}; majority class '{stats.MajorityGenre}' scores {stats.MajorityAccuracy:P1} on test.");
        context.Artifact(GenrePassageStats.ArtifactName, "application/json", 0, null, JsonSerializer.SerializeToUtf8Bytes(stats, VinulaJson.Options));
        context.Summary["test.count"] = _data.Test.Count;
        context.Summary["test.majority_accuracy"] = stats.MajorityAccuracy;

        var steps = _data.StepsPerEpoch(config.BatchSize);
        var studentEpochs = config.Student.Epochs ?? config.Epochs;
        Plan =
        [
            new PhasePlan(TeacherRole, config.Teacher.Epochs ?? config.Epochs, steps),
            new PhasePlan(StudentRole, studentEpochs, steps),
            .. config.TrainBaseline ? [new PhasePlan(BaselineRole, studentEpochs, steps)] : Array.Empty<PhasePlan>(),
            .. config.TrainBagOfWords ? [new PhasePlan(BagOfWordsRole, config.Epochs, steps)] : Array.Empty<PhasePlan>(),
        ];
    }

    public IReadOnlyList<PhasePlan> Plan { get; }

    public GenreData Data => _data;

    public TrainingPhase StartPhase(PhasePlan plan, RunContext context)
    {
        var c = _config;
        switch (plan.Role)
        {
            case TeacherRole:
                _teacher = Own(CreateTeacher(c, _data));
                return Phase(plan, _teacher, TextClassifierPhase.CrossEntropy, c.Teacher.LearningRate ?? c.LearningRate, TeacherRole);
            case StudentRole:
                _student = Own(CreateStudent(c, _data));
                context.Log($"student: soft targets at T = {c.Temperature}, α = {c.Alpha}.");
                return Phase(plan, _student, SoftTargets(), c.Student.LearningRate ?? c.LearningRate, StudentStream);
            case BaselineRole:
                return Phase(plan, Own(CreateStudent(c, _data)), TextClassifierPhase.CrossEntropy, c.Student.LearningRate ?? c.LearningRate, StudentStream);
            case BagOfWordsRole:
                return Phase(plan, Own(new BagOfWords(_data.InverseDocumentFrequency(), _data.Classes)), TextClassifierPhase.CrossEntropy,
                    c.BagOfWordsLearningRate ?? c.LearningRate, BagOfWordsRole);
            default:
                throw new InvalidOperationException($"Unknown phase {plan.Role}.");
        }
    }

    /// <summary>The teacher as <see cref="StartPhase"/> builds it: weights from (seed, "teacher").</summary>
    public static TextTransformer CreateTeacher(TextDistillConfig c, GenreData data)
    {
        using var random = Seeds.Generator(c.Seed, Seeds.Of(TeacherRole));
        var t = c.Teacher;
        return new TextTransformer(data.Vocabulary.Size, data.MaxTokens, t.Dim, t.Heads, t.FeedForward, t.Layers, data.Classes, t.Dropout)
            .Initialise(random).InitialiseEmbeddings(random);
    }

    /// <summary>A student (or baseline) as <see cref="StartPhase"/> builds it: weights from (seed, "student").</summary>
    public static AveragedEmbeddings CreateStudent(TextDistillConfig c, GenreData data)
    {
        using var random = Seeds.Generator(c.Seed, Seeds.Of(StudentStream));
        return new AveragedEmbeddings(data.Vocabulary.Size, c.Student.Dim, c.Student.Hidden, data.Classes)
            .Initialise(random).InitialiseEmbeddings(random);
    }

    private TextClassifierPhase Phase(PhasePlan plan, nn.Module<Tensor, Tensor> model, TextObjective objective, double learningRate, string stream) =>
        new(plan, model, _data, objective, learningRate, _config.BatchSize, _config.Seed, stream);

    private T Own<T>(T model) where T : nn.Module<Tensor, Tensor>
    {
        _models.Add(model);
        return model;
    }

    /// <summary>The teacher's logits v on every training passage, computed once in eval mode (no dropout): the
    /// passages never change, so the soft targets p_T = softmax(v/T) do not either.</summary>
    private TextObjective SoftTargets()
    {
        var teacher = _teacher ?? throw new InvalidOperationException("The teacher must be trained first.");
        _teacherTrainLogits?.Dispose();
        using (torch.NewDisposeScope()) // StartPhase runs outside the runner's scopes
            _teacherTrainLogits = TextModels.Logits(teacher, _data.TrainX, TextModels.EvalBatch).DetachFromDisposeScope();
        var (t, a) = (_config.Temperature, _config.Alpha);
        return (logits, labels, rows) =>
        {
            var parts = DistillationLoss.SoftKl(logits, _teacherTrainLogits.index_select(0, rows), labels, t, a);
            return new LossTerms(parts.Total, ("soft_loss", parts.Soft), ("hard_loss", parts.Hard));
        };
    }

    public void Complete(RunContext context)
    {
        var s = context.Summary;
        s["temperature"] = _config.Temperature;
        s["alpha"] = _config.Alpha;
        if (_teacher is not null && _student is not null)
        {
            var (teacherSeconds, studentSeconds) = TextModels.InferenceTimes(_teacher, _student, _data.TestX, _config.BatchSize);
            s["teacher.inference_seconds"] = teacherSeconds;
            s["student.inference_seconds"] = studentSeconds;
            s["student.speedup"] = teacherSeconds / studentSeconds;
        }
        context.Log("done: " + string.Join(", ", Plan.Select(p => p.Role).Where(r => s.ContainsKey($"{r}.test_accuracy"))
            .Select(r => $"{r} {s[$"{r}.test_accuracy"]:P1}")) +
            $" (majority class {s["test.majority_accuracy"]:P1})" +
            (s.TryGetValue("student.speedup", out var speedup) ? $"; the student runs {speedup:0.#}× faster than the teacher." : "."));
    }

    public void Dispose()
    {
        foreach (var model in _models) model.Dispose();
        _models.Clear();
        _teacherTrainLogits?.Dispose();
        _data.Dispose();
    }
}
