using System.Diagnostics;
using TorchSharp;
using Vinula.Shared.Runs;

namespace Vinula.Engine.Training;

/// <summary>
/// The one training loop every experiment plugs into. For each phase of the plan: epochs of steps, one
/// dispose scope per step, cancellation between steps, windowed-mean step metrics, an evaluation at every epoch's
/// end and a checkpoint at the epoch ends <see cref="RunContext.CheckpointInterval"/> apart, progress with an ETA. Runs synchronously on the caller's thread:
/// TorchSharp's dispose scopes are thread-static, so a run keeps one thread from start to end.
/// </summary>
public sealed class TrainingRunner(RunContext context)
{
    /// <summary>Points per epoch for step-level series: enough for a smooth live curve, few enough to store.</summary>
    private const int PointsPerEpoch = 10;

    private readonly Stopwatch _clock = new();
    private long _globalStep;
    private long _totalSteps;
    private long _stepsAtStart;
    private double _secondsPerStep;
    private long _lastProgressTimestamp;
    private readonly Dictionary<string, (double Sum, int Count)> _sums = new(StringComparer.Ordinal);
    private readonly List<string> _order = [];
    private double _pausedSeconds;
    private long _lastCheckpoint;

    /// <summary>Trains the whole plan. With <paramref name="resume"/>, phases restore their last checkpoint and
    /// continue after the last finished epoch.</summary>
    public void Run(IExperimentRun experiment, bool resume, CancellationToken cancellation)
    {
        _totalSteps = experiment.Plan.Sum(p => p.TotalSteps);
        if (resume)
            context.Sink.Rewind(LastCheckpointedStep(experiment.Plan));
        _clock.Start();
        Progress();

        foreach (var plan in experiment.Plan)
        {
            cancellation.ThrowIfCancellationRequested();
            using var phase = experiment.StartPhase(plan, context);
            var firstEpoch = resume ? Restore(phase) : 0;
            if (firstEpoch > 0)
                context.Log($"{plan.Role}: resumed after epoch {firstEpoch} of {plan.Epochs} (step {_globalStep}).");
            _stepsAtStart = _globalStep;
            _clock.Restart();
            _lastCheckpoint = Stopwatch.GetTimestamp();

            for (var epoch = firstEpoch; epoch < plan.Epochs; epoch++)
                TrainEpoch(phase, epoch, cancellation);

            using (torch.no_grad())
            using (torch.NewDisposeScope())
                phase.Complete(_globalStep, context);
            experiment.CompletePhase(plan, context);
        }

        using (torch.NewDisposeScope())
            experiment.Complete(context);
        Progress(force: true);
    }

    private void TrainEpoch(TrainingPhase phase, int epoch, CancellationToken cancellation)
    {
        var plan = phase.Plan;
        var started = Stopwatch.GetTimestamp();
        var window = Math.Max(1, plan.StepsPerEpoch / PointsPerEpoch);
        var control = context.Control;

        _pausedSeconds = 0;
        phase.BeginEpoch(epoch);
        for (var step = 0; step < plan.StepsPerEpoch; step++)
        {
            cancellation.ThrowIfCancellationRequested();
            if (control.PauseRequested) WaitWhilePaused(phase, cancellation);
            IReadOnlyList<StepValue> values;
            using (torch.NewDisposeScope())
                values = phase.Step(epoch, step);
            _globalStep++;
            Accumulate(plan, epoch, values);

            if ((step + 1) % window == 0 || step == plan.StepsPerEpoch - 1)
                FlushWindow(plan);
            Progress();
            control.Pace(cancellation);
        }

        using (torch.no_grad())
        using (torch.NewDisposeScope())
            phase.EndEpoch(epoch, _globalStep, context);

        if (epoch + 1 == plan.Epochs || Stopwatch.GetElapsedTime(_lastCheckpoint) >= context.CheckpointInterval)
        {
            // Serialising the model and optimiser and storing them cost ~2–5 % of a short epoch: worth it only
            // every so often, and always at the end, where the next phase or a resume picks up.
            context.Sink.Checkpoint(Checkpoint.NameFor(plan.Role), Checkpoint.Write(plan.Role, epoch + 1, _globalStep, phase));
            _lastCheckpoint = Stopwatch.GetTimestamp();
        }
        var seconds = Stopwatch.GetElapsedTime(started).TotalSeconds - _pausedSeconds;
        _pausedSeconds = 0;
        context.Metric($"{plan.Role}/epoch_seconds", _globalStep, seconds);
        context.Log($"{plan.Role}: epoch {epoch + 1}/{plan.Epochs} done in {seconds:0.0} s.");
    }

    /// <summary>Adds a step's scalars to the window's sums; a non-finite loss (the first value) ends the run.</summary>
    private void Accumulate(PhasePlan plan, int epoch, IReadOnlyList<StepValue> values)
    {
        for (var i = 0; i < values.Count; i++)
        {
            var (name, value) = (values[i].Name, values[i].Value);
            if (i == 0 && !float.IsFinite(value))
                throw new DivergenceException(
                    $"{plan.Role} {name} became {(float.IsNaN(value) ? "NaN" : "infinite")} at step {_globalStep} (epoch {epoch + 1}); " +
                    "try a smaller learning rate.");
            if (!_sums.TryGetValue(name, out var acc)) _order.Add(name);
            _sums[name] = (acc.Sum + value, acc.Count + 1);
        }
    }

    /// <summary>Reports the window's means as metric points at the current step.</summary>
    private void FlushWindow(PhasePlan plan)
    {
        if (_order.Count == 0) return;
        var now = DateTime.UtcNow;
        // A name with '/' is a whole series name (a GAN's d/loss and g/loss); others get the role's prefix.
        context.Metrics([.. _order.Select(n => new Shared.Events.MetricPoint(
            n.Contains('/') ? n : $"{plan.Role}/{n}", _globalStep, _sums[n].Sum / _sums[n].Count, now))]);
        _sums.Clear();
        _order.Clear();
    }

    /// <summary>Waits while the run is paused; the time spent paused counts neither in the epoch's seconds nor
    /// in the ETA.</summary>
    private void WaitWhilePaused(TrainingPhase phase, CancellationToken cancellation)
    {
        var waitStarted = Stopwatch.GetTimestamp();
        _clock.Stop();
        try
        {
            context.Control.WaitTurn(() => BeforePause(phase), cancellation);
        }
        finally
        {
            _clock.Start();
            _pausedSeconds += Stopwatch.GetElapsedTime(waitStarted).TotalSeconds;
        }
    }

    /// <summary>The run is about to wait between steps: everything up to this step reaches the page (the partial
    /// window of curves, progress, the phase's preview such as a sample grid at this very step).</summary>
    private void BeforePause(TrainingPhase phase)
    {
        FlushWindow(phase.Plan);
        using (torch.no_grad())
        using (torch.NewDisposeScope())
            phase.Preview(_globalStep, context);
        Progress(force: true);
        context.Sink.Flush();
    }

    /// <summary>The global step of the newest checkpoint among the plan's phases: where a resume picks up.</summary>
    private long LastCheckpointedStep(IReadOnlyList<PhasePlan> plan)
    {
        long step = 0;
        foreach (var phase in plan)
        {
            if (context.Library.LoadCheckpoint(context.RunId, Checkpoint.NameFor(phase.Role)) is not { } bytes) continue;
            using var reader = new BinaryReader(new MemoryStream(bytes));
            step = Math.Max(step, Checkpoint.ReadHeader(reader).GlobalStep);
        }
        return step;
    }

    /// <summary>Loads the phase's checkpoint if there is one; returns the first epoch still to train.</summary>
    private int Restore(TrainingPhase phase)
    {
        var bytes = context.Library.LoadCheckpoint(context.RunId, Checkpoint.NameFor(phase.Role));
        if (bytes is null) return 0;
        using var reader = new BinaryReader(new MemoryStream(bytes));
        var header = Checkpoint.ReadHeader(reader);
        phase.Load(reader);
        _globalStep = header.GlobalStep;
        return Math.Min(header.EpochsDone, phase.Plan.Epochs);
    }

    /// <summary>Reports progress at most a few times a second; the ETA extrapolates this phase's pace, which
    /// includes its evaluations.</summary>
    private void Progress(bool force = false)
    {
        var now = Stopwatch.GetTimestamp();
        if (!force && _globalStep != 0 && _globalStep != _totalSteps
            && now - _lastProgressTimestamp < Stopwatch.Frequency / 5)
            return;
        _lastProgressTimestamp = now;

        var done = _globalStep - _stepsAtStart;
        if (done > 0)
            _secondsPerStep = _clock.Elapsed.TotalSeconds / done;
        var remaining = _totalSteps - _globalStep;
        double? eta = _secondsPerStep > 0 ? remaining * _secondsPerStep : null;
        var fraction = _totalSteps == 0 ? 1 : (double)_globalStep / _totalSteps;
        context.Progress(new RunProgress(fraction, _globalStep, _totalSteps, eta));
    }
}
