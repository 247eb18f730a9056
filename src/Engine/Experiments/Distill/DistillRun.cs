using System.Text.Json;
using TorchSharp;
using Vinula.Engine.Data;
using Vinula.Engine.Losses;
using Vinula.Engine.Models;
using Vinula.Engine.Training;
using Vinula.Shared;
using Vinula.Shared.Experiments;
using static TorchSharp.torch;

namespace Vinula.Engine.Experiments.Distill;

/// <summary>
/// A distill run: teacher (trained, or loaded from <c>teacherRunId</c>), then the student on the teacher's
/// softened outputs, then optionally the same student from scratch (same seed, same data order) as the
/// baseline. Summary: each model's test accuracy and size, and the gap recovered.
/// </summary>
public sealed class DistillRun : IExperimentRun
{
    public const string TeacherRole = "teacher";
    public const string StudentRole = "student";
    public const string BaselineRole = "baseline";

    private readonly DistillConfig _config;
    private readonly ClassifierData _data;
    private readonly ClassifierConfig _teacherConfig;
    private readonly byte[]? _reusedTeacher;
    private nn.Module<Tensor, Tensor>? _teacher;
    private nn.Module<Tensor, Tensor>? _student;
    private nn.Module<Tensor, Tensor>? _baseline;

    public DistillRun(DistillConfig config, RunContext context)
    {
        _config = config;
        (_teacherConfig, _reusedTeacher) = config.TeacherRunId is { } id ? LoadTeacher(id, context) : (config.Teacher, null);
        var mnist = context.Data.Mnist;
        context.Log($"MNIST: {mnist.Source}; training on {config.TrainSize?.ToString("N0") ?? mnist.Train.Length.ToString("N0")} digits.");
        _data = new ClassifierData(mnist, config.TrainSize, config.Seed, context.Device);

        var steps = _data.StepsPerEpoch(config.BatchSize);
        var teacherEpochs = _reusedTeacher is null ? config.Teacher.Epochs ?? config.Epochs : 0;
        var studentEpochs = config.Student.Epochs ?? config.Epochs;
        Plan =
        [
            new PhasePlan(TeacherRole, teacherEpochs, steps),
            new PhasePlan(StudentRole, studentEpochs, steps),
            .. config.TrainBaseline ? [new PhasePlan(BaselineRole, studentEpochs, steps)] : Array.Empty<PhasePlan>(),
        ];
    }

    public IReadOnlyList<PhasePlan> Plan { get; }

    public TrainingPhase StartPhase(PhasePlan plan, RunContext context) => plan.Role switch
    {
        TeacherRole => StartTeacher(plan, context),
        StudentRole => Phase(plan, _student = NewStudent(context.Device), DistillationObjective(context)),
        BaselineRole => Phase(plan, _baseline = NewStudent(context.Device), ClassifierPhase.CrossEntropy),
        _ => throw new InvalidOperationException($"Unknown phase {plan.Role}."),
    };

    private TrainingPhase StartTeacher(PhasePlan plan, RunContext context)
    {
        _teacher = NewModel(_teacherConfig, TeacherRole, context.Device);
        if (_reusedTeacher is not null)
        {
            using var reader = new BinaryReader(new MemoryStream(_reusedTeacher));
            Checkpoint.ReadHeader(reader);
            _teacher.load(reader);
            context.Log($"teacher: reused from run {_config.TeacherRunId}.");
        }
        return Phase(plan, _teacher, ClassifierPhase.CrossEntropy);
    }

    /// <summary>
    /// Soft targets from the teacher in eval mode (no dropout) on the student's own batch, jitter included: the
    /// transfer set is every shifted digit the student sees, not only the 7,000 originals.
    /// </summary>
    private ClassifierObjective DistillationObjective(RunContext context)
    {
        var teacher = _teacher ?? throw new InvalidOperationException("The teacher must be trained first.");
        teacher.eval();
        context.Log(_config.Loss == DistillLoss.SoftKl
            ? $"student: soft targets at T = {_config.Temperature}, α = {_config.Alpha}."
            : $"student: matching centred logits (high-T limit), α = {_config.Alpha}.");

        var (temperature, alpha, loss) = (_config.Temperature, _config.Alpha, _config.Loss);
        return (logits, labels, inputs) =>
        {
            Tensor v;
            using (torch.no_grad())
                v = teacher.forward(inputs);
            var parts = loss == DistillLoss.SoftKl
                ? DistillationLoss.SoftKl(logits, v, labels, temperature, alpha)
                : DistillationLoss.LogitMse(logits, v, labels, alpha);
            return new LossTerms(parts.Total, ("soft_loss", parts.Soft), ("hard_loss", parts.Hard));
        };
    }

    /// <summary>The baseline draws jitter and dropout from the student's stream: the two differ only in the loss.</summary>
    private ClassifierPhase Phase(PhasePlan plan, nn.Module<Tensor, Tensor> model, ClassifierObjective objective) =>
        new(plan, model, _data, objective, _config.LearningRate, _config.BatchSize, _config.Seed, _config.Jitter,
            randomStream: plan.Role == BaselineRole ? StudentRole : plan.Role);

    /// <summary>Student and baseline start from the same weights: same seed, same architecture.</summary>
    private nn.Module<Tensor, Tensor> NewStudent(Device device) => NewModel(_config.Student, StudentRole, device);

    /// <summary>Created on the CPU from a seed, then moved: the same seed gives the same weights on any device.</summary>
    private nn.Module<Tensor, Tensor> NewModel(ClassifierConfig model, string initRole, Device device)
    {
        torch.manual_seed(Seeds.Mix(_config.Seed, Seeds.Of(initRole)));
        var created = Classifiers.Create(model);
        return device.type == DeviceType.CPU ? created : created.to(device);
    }

    public void Complete(RunContext context)
    {
        var s = context.Summary;
        s["temperature"] = _config.Temperature;
        s["alpha"] = _config.Alpha;
        if (s.TryGetValue("baseline.test_accuracy", out var baseline)
            && s.TryGetValue("teacher.test_accuracy", out var teacher)
            && s.TryGetValue("student.test_accuracy", out var student)
            && GapRecovered(1 - teacher, 1 - baseline, 1 - student) is { } gap)
            s["gap_recovered"] = gap;
        context.Log($"done: teacher {Pct(s, "teacher")}, student {Pct(s, "student")}" +
                    (s.ContainsKey("baseline.test_accuracy") ? $", baseline {Pct(s, "baseline")}" : "") + ".");
    }

    /// <summary>(err_scratch − err_kd) / (err_scratch − err_teacher); undefined when the teacher is no better
    /// than the student trained from scratch.</summary>
    public static double? GapRecovered(double teacherError, double scratchError, double distilledError) =>
        scratchError - teacherError > 0 ? (scratchError - distilledError) / (scratchError - teacherError) : null;

    private static string Pct(Dictionary<string, double> s, string role) => $"{s[$"{role}.test_accuracy"]:P2}";

    private static (ClassifierConfig, byte[]) LoadTeacher(string runId, RunContext context)
    {
        var run = context.Library.Find(runId) ?? throw new InvalidOperationException($"Teacher run '{runId}' no longer exists.");
        var source = run.Config.Deserialize<DistillConfig>(VinulaJson.Options)
            ?? throw new InvalidOperationException($"Run '{runId}' has no readable config.");
        var bytes = context.Library.LoadCheckpoint(runId, Checkpoint.NameFor(TeacherRole))
            ?? throw new InvalidOperationException($"Run '{runId}' has no stored teacher.");
        return (source.Teacher, bytes);
    }

    public void Dispose()
    {
        _teacher?.Dispose();
        _student?.Dispose();
        _baseline?.Dispose();
        _data.Dispose();
    }
}
