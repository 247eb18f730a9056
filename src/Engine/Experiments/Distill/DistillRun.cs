using Vinula.Engine.Training;
using Vinula.Shared.Experiments;

namespace Vinula.Engine.Experiments.Distill;

/// <summary>
/// A distill run: teacher (trained, or loaded from <c>teacherRunId</c>), then the student on the teacher's
/// softened outputs, then optionally the same student from scratch (same seed, same data order, same transfer
/// set) as the baseline. Summary: each model's test accuracy (overall and per digit) and size, the gap recovered,
/// and with <c>omitDigits</c> the omitted digits' accuracy before and after the bias correction.
/// </summary>
public sealed class DistillRun : IExperimentRun
{
    public const string TeacherRole = DistillationSetup.TeacherRole;
    public const string StudentRole = "student";
    public const string BaselineRole = "baseline";

    private readonly DistillConfig _config;
    private readonly DistillationSetup _setup;

    public DistillRun(DistillConfig config, RunContext context)
    {
        _config = config;
        _setup = new DistillationSetup(config, context);
        Plan =
        [
            _setup.TeacherPlan,
            _setup.StudentPlan(StudentRole),
            .. config.TrainBaseline ? [_setup.StudentPlan(BaselineRole)] : Array.Empty<PhasePlan>(),
        ];
    }

    public IReadOnlyList<PhasePlan> Plan { get; }

    public TrainingPhase StartPhase(PhasePlan plan, RunContext context) => plan.Role switch
    {
        TeacherRole => _setup.StartTeacher(plan, context),
        StudentRole => _setup.StartStudent(plan, _config.Seed, SoftTargets(context), context),
        BaselineRole => _setup.StartStudent(plan, _config.Seed, ClassifierObjective.CrossEntropy, context),
        _ => throw new InvalidOperationException($"Unknown phase {plan.Role}."),
    };

    private ClassifierObjective SoftTargets(RunContext context)
    {
        context.Log(_config.Loss == DistillLoss.SoftKl
            ? $"student: soft targets at T = {_config.Temperature}, α = {_config.Alpha}."
            : $"student: matching centred logits (high-T limit), α = {_config.Alpha}.");
        return _setup.SoftTargets(_config.Loss, _config.Temperature, _config.Alpha);
    }

    public void Complete(RunContext context)
    {
        var s = context.Summary;
        s["temperature"] = _config.Temperature;
        s["alpha"] = _config.Alpha;
        if (s.TryGetValue("baseline.test_accuracy", out var baseline)
            && s.TryGetValue("teacher.test_accuracy", out var teacher)
            && s.TryGetValue("student.test_accuracy", out var student)
            && DistillationSetup.GapRecovered(1 - teacher, 1 - baseline, 1 - student) is { } gap)
            s["gap_recovered"] = gap;
        // One student, so the chosen bias needs no role (PRODUCT.md: bias_correction).
        if (s.Remove($"{StudentRole}.bias_correction", out var bias))
            s["bias_correction"] = bias;
        if (s.TryGetValue($"{StudentRole}.omitted_accuracy", out var omitted))
            context.Log($"omitted digits {string.Join(", ", _config.OmitDigits.Order())} on test: student {omitted:P1}" +
                        (s.TryGetValue($"{StudentRole}.omitted_accuracy_corrected", out var corrected) ? $" ({corrected:P1} after the bias correction)" : "") +
                        (s.TryGetValue($"{BaselineRole}.omitted_accuracy", out var scratch) ? $", baseline {scratch:P1}" : "") + ".");
        context.Log($"done: teacher {Pct(s, "teacher")}, student {Pct(s, "student")}" +
                    (s.ContainsKey("baseline.test_accuracy") ? $", baseline {Pct(s, "baseline")}" : "") + ".");
    }

    private static string Pct(Dictionary<string, double> s, string role) => $"{s[$"{role}.test_accuracy"]:P2}";

    public void Dispose() => _setup.Dispose();
}
