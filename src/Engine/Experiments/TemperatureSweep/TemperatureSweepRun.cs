using System.Text.Json;
using Vinula.Engine.Data;
using Vinula.Engine.Experiments.Distill;
using Vinula.Engine.Training;
using Vinula.Shared;
using Vinula.Shared.Artifacts;
using Vinula.Shared.Experiments;

namespace Vinula.Engine.Experiments.TemperatureSweep;

/// <summary>
/// One teacher, then per seed the scratch baseline and one student per temperature (soft-kl), all in one run on
/// the same data order per seed. Each finished student is a <c>SweepPoint</c> and a row of <c>sweep.json</c>;
/// the summary holds the mean and spread over seeds per temperature and the best temperature by validation.
/// </summary>
public sealed class TemperatureSweepRun : IExperimentRun
{
    private readonly TemperatureSweepConfig _config;
    private readonly DistillationSetup _setup;
    private readonly Dictionary<string, SweepModel> _finished = [];
    private readonly Dictionary<string, (double? Temperature, int Seed)> _roles = [];
    private double? _teacherAccuracy;
    private double[]? _teacherDigits;

    public TemperatureSweepRun(TemperatureSweepConfig config, RunContext context)
    {
        _config = config;
        _setup = new DistillationSetup(config, context);
        var plan = new List<PhasePlan> { _setup.TeacherPlan };
        foreach (var seed in config.Seeds)
        {
            if (config.TrainBaseline) Add(plan, SweepResults.BaselineRole(seed), null, seed);
            foreach (var t in config.Temperatures) Add(plan, SweepResults.StudentRole(t, seed), t, seed);
        }
        Plan = plan;
    }

    private void Add(List<PhasePlan> plan, string role, double? temperature, int seed)
    {
        plan.Add(_setup.StudentPlan(role));
        _roles[role] = (temperature, seed);
    }

    public IReadOnlyList<PhasePlan> Plan { get; }

    public TrainingPhase StartPhase(PhasePlan plan, RunContext context)
    {
        if (plan.Role == DistillationSetup.TeacherRole) return _setup.StartTeacher(plan, context);
        var (temperature, seed) = _roles[plan.Role];
        if (temperature is not { } t)
            return _setup.StartStudent(plan, seed, ClassifierObjective.CrossEntropy, context);
        context.Log($"{plan.Role}: soft targets at T = {SweepResults.Format(t)}, α = {_config.Alpha}, seed {seed}.");
        return _setup.StartStudent(plan, seed, _setup.SoftTargets(DistillLoss.SoftKl, t, _config.Alpha), context);
    }

    public void CompletePhase(PhasePlan plan, RunContext context)
    {
        var s = context.Summary;
        if (plan.Role == DistillationSetup.TeacherRole)
        {
            _teacherAccuracy = s["teacher.test_accuracy"];
            _teacherDigits = DigitAccuracy(s, plan.Role);
        }
        else
        {
            var (temperature, seed) = _roles[plan.Role];
            var model = new SweepModel(plan.Role, temperature, seed, s[$"{plan.Role}.test_accuracy"], s[$"{plan.Role}.val_accuracy"],
                s.TryGetValue($"{plan.Role}.omitted_accuracy", out var omitted) ? omitted : null,
                s.TryGetValue($"{plan.Role}.omitted_accuracy_corrected", out var corrected) ? corrected : null,
                s.TryGetValue($"{plan.Role}.bias_correction", out var bias) ? bias : null,
                DigitAccuracy(s, plan.Role));
            _finished[plan.Role] = model;
            if (temperature is { } t) context.Publish(new Shared.Events.SweepPoint(context.RunId, t, seed, model.TestAccuracy));
        }
        context.Artifact(SweepResults.ArtifactName, "application/json", 0, "sweep",
            JsonSerializer.SerializeToUtf8Bytes(Results(), VinulaJson.Options));
    }

    private SweepResults Results() => new(
        _config.Temperatures, _config.Seeds, _teacherAccuracy,
        [.. _finished.Values.Where(m => m.Temperature is not null)],
        [.. _finished.Values.Where(m => m.Temperature is null)],
        _teacherDigits);

    private static double[] DigitAccuracy(Dictionary<string, double> s, string role) =>
        [.. Enumerable.Range(0, MnistData.Classes).Select(d => s.GetValueOrDefault(DigitReport.DigitKey(role, d), double.NaN))];

    /// <summary>Per-model keys become the keys of PRODUCT.md: means and spreads over seeds, the best T.</summary>
    public void Complete(RunContext context)
    {
        var s = context.Summary;
        var results = Results();
        foreach (var t in _config.Temperatures)
        {
            var (mean, std) = SweepResults.MeanStd([.. results.Students.Where(m => m.Temperature == t).Select(m => m.TestAccuracy)]);
            s[$"student.test_accuracy@{SweepResults.Format(t)}"] = mean;
            s[$"student.test_accuracy_std@{SweepResults.Format(t)}"] = std;
        }
        if (results.Baselines.Count > 0)
            (s["baseline.test_accuracy"], s["baseline.test_accuracy_std"]) = SweepResults.MeanStd([.. results.Baselines.Select(b => b.TestAccuracy)]);
        OmittedDigits(results, s);

        if (results.BestTemperature is { } best)
        {
            s["best_temperature"] = best;
            // "student" without @T is the best temperature's student, mean over seeds, as in a distill run.
            AddMeans(s, "student", [.. results.Students.Where(m => m.Temperature == best)]);
            var gaps = _config.Seeds
                .Select(seed => (Student: results.Students.FirstOrDefault(m => m.Seed == seed && m.Temperature == best),
                                 Baseline: results.Baselines.FirstOrDefault(b => b.Seed == seed)))
                .Where(p => p.Student is not null && p.Baseline is not null && _teacherAccuracy is not null)
                .Select(p => DistillationSetup.GapRecovered(1 - _teacherAccuracy!.Value, 1 - p.Baseline!.TestAccuracy, 1 - p.Student!.TestAccuracy))
                .OfType<double>().ToList();
            if (gaps.Count > 0)
                (s["gap_recovered"], s["gap_recovered_std"]) = SweepResults.MeanStd(gaps);
            context.Log($"done: best T = {SweepResults.Format(best)} (by validation accuracy); " +
                        $"student {s[$"student.test_accuracy@{SweepResults.Format(best)}"]:P2} ± {s[$"student.test_accuracy_std@{SweepResults.Format(best)}"]:P2} over {_config.Seeds.Count} seed(s).");
        }

        // One size per architecture instead of one key per model.
        var studentKey = _finished.Keys.FirstOrDefault();
        if (studentKey is not null && s.TryGetValue($"{studentKey}.params", out var parameters))
        {
            s["student.params"] = parameters;
            if (results.Baselines.Count > 0) s["baseline.params"] = parameters;
        }
        foreach (var role in _roles.Keys)
            foreach (var key in s.Keys.Where(k => k.StartsWith(role + ".", StringComparison.Ordinal)).ToList())
                s.Remove(key);
        s["alpha"] = _config.Alpha;
    }

    /// <summary>
    /// Per T (mean and spread over seeds) the omitted digits' accuracy before and after the bias correction, and
    /// the chosen bias: at which temperature the most dark knowledge passes. The baselines' means per digit.
    /// </summary>
    private static void OmittedDigits(SweepResults results, Dictionary<string, double> s)
    {
        foreach (var group in results.Students.GroupBy(m => m.Temperature!.Value))
        {
            var t = SweepResults.Format(group.Key);
            Mean(s, $"student.omitted_accuracy@{t}", $"student.omitted_accuracy_std@{t}", group.Select(m => m.OmittedAccuracy));
            Mean(s, $"student.omitted_accuracy_corrected@{t}", $"student.omitted_accuracy_corrected_std@{t}", group.Select(m => m.OmittedAccuracyCorrected));
            Mean(s, $"bias_correction@{t}", null, group.Select(m => m.BiasCorrection));
        }
        AddMeans(s, "baseline", results.Baselines);
    }

    /// <summary>A role's per-digit accuracies and omitted-digit figures, each the mean over the given models.</summary>
    private static void AddMeans(Dictionary<string, double> s, string role, IReadOnlyList<SweepModel> models)
    {
        if (models.Count == 0) return;
        for (var d = 0; d < MnistData.Classes; d++)
            Mean(s, DigitReport.DigitKey(role, d), null, models.Select(m => m.DigitAccuracy is { } a && d < a.Count ? a[d] : (double?)null));
        Mean(s, $"{role}.omitted_accuracy", null, models.Select(m => m.OmittedAccuracy));
        if (role == "student")
        {
            Mean(s, "student.omitted_accuracy_corrected", null, models.Select(m => m.OmittedAccuracyCorrected));
            Mean(s, "bias_correction", null, models.Select(m => m.BiasCorrection));
        }
    }

    private static void Mean(Dictionary<string, double> s, string key, string? stdKey, IEnumerable<double?> values)
    {
        var known = values.OfType<double>().Where(double.IsFinite).ToList();
        if (known.Count == 0) return;
        var (mean, std) = SweepResults.MeanStd(known);
        s[key] = mean;
        if (stdKey is not null) s[stdKey] = std;
    }

    public void Dispose() => _setup.Dispose();
}
