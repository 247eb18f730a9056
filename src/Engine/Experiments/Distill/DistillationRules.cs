using System.Text.Json;
using Vinula.Engine.Models;
using Vinula.Engine.Training;
using Vinula.Shared.Experiments;
using Vinula.Shared.Runs;

namespace Vinula.Engine.Experiments.Distill;

/// <summary>Validation of the fields every teacher → student kind shares.</summary>
public static class DistillationRules
{
    public const int MaxLayers = 8;
    public const int MaxWidth = 8192;

    public static void Check(DistillationConfig config, IRunLibrary library, ValidationErrors errors)
    {
        if (config.Teacher is null) errors.Add("teacher", "teacher is required.");
        else CheckModel("teacher", config.Teacher, config.BatchSize, errors);
        if (config.Student is null) errors.Add("student", "student is required.");
        else CheckModel("student", config.Student, config.BatchSize, errors);
        errors.Range("alpha", config.Alpha, 0, 1);
        errors.Range("jitter", config.Jitter, 0, 8);
        if (config.TeacherRunId is { } teacherRunId)
            CheckTeacherRun(teacherRunId, library, errors);
        CheckTransferSet(config, errors);
    }

    /// <summary><c>omitDigits</c>: distinct digits 0–9, not all ten; <c>transferSize</c>: at least one digit of each
    /// kept class (it is stratified), at most the training digits; <c>biasCorrection</c> needs a digit to correct.</summary>
    private static void CheckTransferSet(DistillationConfig config, ValidationErrors errors)
    {
        var omit = config.OmitDigits ?? [];
        for (var i = 0; i < omit.Count; i++)
        {
            if (omit[i] is < 0 or >= Data.MnistData.Classes)
                errors.Add($"omitDigits[{i}]", $"omitDigits[{i}] must be a digit from 0 to 9; got {omit[i]}.");
            else if (omit.IndexOf(omit[i]) < i)
                errors.Add($"omitDigits[{i}]", $"omitDigits[{i}] repeats digit {omit[i]}.");
        }
        var kept = Data.MnistData.Classes - omit.Where(d => d is >= 0 and < Data.MnistData.Classes).Distinct().Count();
        if (kept == 0)
            errors.Add("omitDigits", "omitDigits must keep at least one digit for the student to learn from.");
        if (config.TransferSize is { } size)
        {
            if (size < Math.Max(kept, 1))
                errors.Add("transferSize", $"transferSize must be at least {Math.Max(kept, 1)} (one digit of each kept class); got {size}.");
            else if (config.TrainSize is { } train && size > train)
                errors.Add("transferSize", $"transferSize must be at most trainSize ({train}), the digits the teacher trains on; got {size}.");
            else if (size > 10_000_000)
                errors.Add("transferSize", $"transferSize must be at most 10,000,000; got {size}.");
        }
        if (config.BiasCorrection && omit.Count == 0)
            errors.Add("biasCorrection", "biasCorrection corrects the omitted digits' logits: list at least one digit in omitDigits.");
    }

    private static void CheckModel(string role, ClassifierConfig model, int batchSize, ValidationErrors errors)
    {
        errors.Widths($"{role}.hidden", model.Hidden, MaxLayers, MaxWidth);
        if (model.Model == ClassifierModel.Cnn)
        {
            errors.Widths($"{role}.channels", model.Channels, maxLayers: 3, maxWidth: 256);
            if (model.Channels is { Count: 0 })
                errors.Add($"{role}.channels", "channels must list at least one convolution for a CNN.");
        }
        if (double.IsNaN(model.Dropout) || model.Dropout < 0 || model.Dropout >= 1)
            errors.Add($"{role}.dropout", $"dropout must be at least 0 and less than 1; got {ValidationErrors.Format(model.Dropout)}.");
        if (model.Epochs is { } epochs)
            errors.Range($"{role}.epochs", epochs, 1, CommonRules.MaxEpochs);
        if (model.Hidden is not null && model.Channels is not null)
            errors.Memory($"{role}.hidden", role, Classifiers.CountParameters(model), Classifiers.ActivationUnits(model), batchSize, scope: $"{role}.");
    }

    /// <summary>A reused teacher must come from a finished run that trained one.</summary>
    private static void CheckTeacherRun(string runId, IRunLibrary library, ValidationErrors errors)
    {
        var run = library.Find(runId);
        if (run is null)
            errors.Add("teacherRunId", $"No run '{runId}' exists.");
        else if (run.Kind is not (ExperimentKinds.Distill or ExperimentKinds.TemperatureSweep))
            errors.Add("teacherRunId", $"Run '{runId}' is a {run.Kind} run; its teacher must come from a distill or temperature-sweep run.");
        else if (run.Status != RunStatus.Completed)
            errors.Add("teacherRunId", $"Run '{runId}' is {run.Status.ToString().ToLowerInvariant()}; only a completed run's teacher can be reused.");
        else if (!library.HasCheckpoint(runId, Checkpoint.NameFor(DistillRun.TeacherRole)))
            errors.Add("teacherRunId", $"Run '{runId}' has no stored teacher (it reused one itself, or its checkpoint was deleted).");
    }

    /// <summary>With <c>teacherRunId</c>, the stored config's <c>teacher</c> becomes that run's teacher, so it
    /// shows (and sizes) the model this run really distils from.</summary>
    public static void ResolveTeacher(DistillationConfig config, IRunLibrary library)
    {
        if (config.TeacherRunId is not { } runId || library.Find(runId) is not { } run) return;
        if (run.Config.TryGetProperty("teacher", out var teacher)
            && teacher.Deserialize<TeacherConfig>(Vinula.Shared.VinulaJson.Options) is { } source)
            config.Teacher = source;
    }
}
