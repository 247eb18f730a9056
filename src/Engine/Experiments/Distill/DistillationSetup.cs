using System.Text.Json;
using TorchSharp;
using Vinula.Engine.Losses;
using Vinula.Engine.Models;
using Vinula.Engine.Training;
using Vinula.Shared;
using Vinula.Shared.Experiments;
using static TorchSharp.torch;

namespace Vinula.Engine.Experiments.Distill;

/// <summary>
/// What every teacher → student run shares: the data on the run's device, the teacher (trained here, or loaded
/// from <c>teacherRunId</c>), students and baselines made from a seed, and the phases that train them.
/// Owns every model it creates.
/// </summary>
public sealed class DistillationSetup : IDisposable
{
    public const string TeacherRole = "teacher";

    /// <summary>Students and baselines of one seed draw jitter, dropout and data order from this stream and start
    /// from the same weights: they differ only in their loss.</summary>
    public const string StudentStream = "student";

    private readonly DistillationConfig _config;
    private readonly ClassifierConfig _teacherConfig;
    private readonly byte[]? _reusedTeacher;
    private readonly List<nn.Module<Tensor, Tensor>> _models = [];

    /// <summary>What students and baselines report about the digits their transfer set left out.</summary>
    private readonly DigitReport _digits;

    public DistillationSetup(DistillationConfig config, RunContext context)
    {
        _config = config;
        (_teacherConfig, _reusedTeacher) = config.TeacherRunId is { } id ? LoadTeacher(id, context) : (config.Teacher, null);
        Data = ClassifierData.ForRun(config, context);
        Transfer = TransferSet.IsNarrowed(config) ? NarrowedTransferSet(config, Data, context) : Data;
        StepsPerEpoch = Data.StepsPerEpoch(config.BatchSize);
        TeacherEpochs = _reusedTeacher is null ? config.Teacher.Epochs ?? config.Epochs : 0;
        StudentEpochs = config.Student.Epochs ?? config.Epochs;
        _digits = new DigitReport([.. config.OmitDigits.Order()], config.BiasCorrection && config.OmitDigits.Count > 0);
    }

    /// <summary>The teacher's data: always the run's whole training split, whatever the transfer set leaves out.</summary>
    public ClassifierData Data { get; }

    /// <summary>The students' and baselines' data: <see cref="Data"/> itself, or its transfer set
    /// (<c>omitDigits</c> removed, then <c>transferSize</c> drawn), scored on the same validation and test tensors.</summary>
    public ClassifierData Transfer { get; }

    /// <summary>The teacher's steps per epoch.</summary>
    public int StepsPerEpoch { get; }

    /// <summary>0 when the teacher is reused: its phase then only evaluates it.</summary>
    public int TeacherEpochs { get; }

    public int StudentEpochs { get; }

    /// <summary>The teacher's architecture (the reused run's, when there is one).</summary>
    public ClassifierConfig TeacherConfig => _teacherConfig;

    public nn.Module<Tensor, Tensor>? Teacher { get; private set; }

    public PhasePlan TeacherPlan => new(TeacherRole, TeacherEpochs, StepsPerEpoch);

    public PhasePlan StudentPlan(string role) => new(role, StudentEpochs, Transfer.StepsPerEpoch(_config.BatchSize));

    public TrainingPhase StartTeacher(PhasePlan plan, RunContext context)
    {
        Teacher = NewModel(_teacherConfig, _config.Seed, TeacherRole, context.Device);
        if (_reusedTeacher is not null)
        {
            using var reader = new BinaryReader(new MemoryStream(_reusedTeacher));
            Checkpoint.ReadHeader(reader);
            Teacher.load(reader);
            context.Log($"teacher: reused from run {_config.TeacherRunId}.");
        }
        return new ClassifierPhase(plan, Teacher, Data, ClassifierObjective.CrossEntropy, _config, _config.Seed, _config.Jitter);
    }

    /// <summary>A student (or, with <see cref="ClassifierObjective.CrossEntropy"/>, a baseline) of one seed, on the
    /// transfer set; both report the omitted digits, and (with <c>biasCorrection</c>) fit the correction.</summary>
    public TrainingPhase StartStudent(PhasePlan plan, int seed, ClassifierObjective objective, RunContext context) =>
        new ClassifierPhase(plan, NewModel(_config.Student, seed, StudentStream, context.Device), Transfer, objective,
            _config, seed, _config.Jitter, randomStream: StudentStream, digits: _digits);

    /// <summary>
    /// The transfer set, logged with what it holds. A <c>transferSize</c> above what is left after the omission
    /// takes all that is left, and says so.
    /// </summary>
    private static ClassifierData NarrowedTransferSet(DistillationConfig config, ClassifierData data, RunContext context)
    {
        var omit = config.OmitDigits.ToHashSet();
        var indices = TransferSet.Select(data.TrainIndices, data.Mnist.Labels, omit, config.TransferSize, config.Seed);
        var kept = data.TrainIndices.Count(i => !omit.Contains(data.Mnist.Labels[i]));
        if (config.TransferSize is { } size && size > kept)
            context.Log($"transfer set: transferSize {size:N0} is more than the {kept:N0} training digits left; using all of them.");
        context.Log($"transfer set: students and baselines train on {indices.Length:N0} digits" +
                    (omit.Count > 0 ? $" without {string.Join(", ", omit.Order())}" : "") +
                    (config.TransferSize is not null ? ", stratified by digit" : "") +
                    $"; the teacher on all {data.TrainCount:N0}.");
        return data.WithTrain(indices);
    }

    /// <summary>
    /// Soft targets from the teacher in eval mode (no dropout) on the student's own batch, jitter included: the
    /// transfer set is every shifted digit the student sees, not only the 7,000 originals. Each phase gets its own
    /// objective (it remembers the teacher's answers, <see cref="TeacherSoftTargets"/>).
    /// </summary>
    public ClassifierObjective SoftTargets(DistillLoss loss, double temperature, double alpha)
    {
        var teacher = Teacher ?? throw new InvalidOperationException("The teacher must be trained first.");
        teacher.eval();
        return new TeacherSoftTargets(teacher, loss, temperature, alpha, Transfer.TrainCount, _config.Jitter);
    }

    /// <summary>(err_scratch − err_kd) / (err_scratch − err_teacher); undefined when the teacher is no better
    /// than the student trained from scratch.</summary>
    public static double? GapRecovered(double teacherError, double scratchError, double distilledError) =>
        Shared.Artifacts.DistillationGap.Recovered(teacherError, scratchError, distilledError);

    /// <summary>Created on the CPU with weights drawn from (seed, stream), then moved: the same seed gives the same
    /// weights on any device, whatever other runs draw meanwhile.</summary>
    private nn.Module<Tensor, Tensor> NewModel(ClassifierConfig model, int seed, string stream, Device device)
    {
        using var random = Seeds.Generator(seed, Seeds.Of(stream));
        var created = Classifiers.Create(model).Initialise(random);
        var moved = device.type == DeviceType.CPU ? created : created.to(device);
        _models.Add(moved);
        return moved;
    }

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
        foreach (var model in _models) model.Dispose();
        _models.Clear();
        if (!ReferenceEquals(Transfer, Data)) Transfer.Dispose();
        Data.Dispose();
    }
}
