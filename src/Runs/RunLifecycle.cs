using System.Collections.Concurrent;
using Vinula.Runs.Storage;
using Vinula.Engine.Training;
using Vinula.Shared.Events;
using Vinula.Shared.Runs;

namespace Vinula.Runs;

/// <summary>
/// The one place that moves a run between statuses (<see cref="RunStatusExtensions.CanMoveTo"/> is the state
/// machine), stores the move with its reason and time, and publishes it; and that holds the live controls of
/// the runs training in this process. Every transition is a compare-and-set on the stored run, so two callers
/// racing (a cancel and the run finishing) cannot both win.
/// </summary>
public sealed class RunLifecycle(IRunStore store, RunEventBus bus)
{
    private readonly ConcurrentDictionary<string, RunControl> _controls = new(StringComparer.Ordinal);

    /// <summary>Stores a new run as queued and announces it.</summary>
    public void Create(RunDocument run)
    {
        run.SetStatus(RunStatus.Queued, run.CreatedAt);
        store.Insert(run);
        Announce(run);
    }

    /// <summary>
    /// Moves the run to <paramref name="to"/> if that is legal from its current status (and, when given, the
    /// current status is one of <paramref name="onlyFrom"/>); <paramref name="change"/> adds what goes with the
    /// move. Finished statuses stamp <c>FinishedAt</c>; <paramref name="reason"/> goes into the history and, for
    /// failed, cancelled and interrupted runs, becomes the run's error.
    /// </summary>
    public Transition Move(string runId, RunStatus to, string? reason = null, Action<RunDocument>? change = null,
        params RunStatus[] onlyFrom)
    {
        RunStatus? from = null;
        var moved = store.TryModify(runId, run =>
        {
            from = run.Status;
            if (!run.Status.CanMoveTo(to) || (onlyFrom.Length > 0 && !onlyFrom.Contains(run.Status))) return false;
            var now = DateTime.UtcNow;
            run.SetStatus(to, now, reason);
            switch (to)
            {
                case RunStatus.Running when from == RunStatus.Queued:
                    run.StartedAt ??= now;
                    run.FinishedAt = null;
                    run.Error = null;
                    break;
                case RunStatus.Queued:
                    run.FinishedAt = null;
                    run.Error = null;
                    break;
                case RunStatus.Completed:
                    run.FinishedAt = now;
                    run.EtaSeconds = null;
                    run.ProgressFraction = 1;
                    break;
                case RunStatus.Failed or RunStatus.Cancelled or RunStatus.Interrupted:
                    run.FinishedAt = now;
                    run.EtaSeconds = null;
                    run.Error = reason;
                    break;
            }
            change?.Invoke(run);
            return true;
        });
        if (moved is null) return new Transition(null, from);
        Announce(moved);
        return new Transition(moved, from);
    }

    /// <summary>Progress of a live run: published every time, stored only when <paramref name="save"/>. False when
    /// the stored run is no longer live (or gone): another process moved it (a team's reaper took this worker for
    /// dead), and whoever trains it here must stop without writing more.</summary>
    public bool Progress(string runId, RunProgress progress, bool save)
    {
        if (save && store.TryModify(runId, run =>
            {
                if (!run.Status.IsLive()) return false;
                run.ProgressFraction = progress.Fraction;
                run.ProgressStep = progress.Step;
                run.ProgressTotalSteps = progress.TotalSteps;
                run.EtaSeconds = progress.EtaSeconds;
                return true;
            }) is null) return false;
        bus.Publish(new RunProgressChanged(runId, progress));
        return true;
    }

    /// <summary>The runs stored as running or paused.</summary>
    public IEnumerable<RunDocument> Live() => store.WithStatus(RunStatus.Running).Concat(store.WithStatus(RunStatus.Paused));

    /// <summary>A live run whose trainer is gone (its server stopped, its worker died or restarted): stored as
    /// interrupted, saying <paramref name="cause"/> and whether resume can continue it. False when it moved on meanwhile.</summary>
    public bool Interrupt(RunDocument run, string cause) =>
        Move(run.Id, RunStatus.Interrupted,
            $"Interrupted: {cause} while the run was {(run.Status == RunStatus.Paused ? "paused" : "training")}." + ResumeHint(run.Id),
            onlyFrom: [RunStatus.Running, RunStatus.Paused]).Moved;

    /// <summary>Why a run that stopped early can or cannot be resumed.</summary>
    public string ResumeHint(string runId) => store.HasCheckpoint(runId)
        ? " Resume continues from the last checkpoint."
        : " It stopped before its first epoch ended, so there is no checkpoint: clone it to start again.";

    // ---- live controls of the runs training here ---------------------------------------------------

    /// <summary>The run starts training on this process: its controls, wired to record pause and go-on.</summary>
    public RunControl Attach(string runId)
    {
        var control = new RunControl();
        control.PausedChanged = paused =>
        {
            if (paused) Move(runId, RunStatus.Paused, "paused between steps", onlyFrom: RunStatus.Running);
            else Move(runId, RunStatus.Running, control.PauseRequested ? "stepping" : "resumed from pause", onlyFrom: RunStatus.Paused);
        };
        // Registered before the setting is read: a change stored in between reaches the control either way.
        _controls[runId] = control;
        control.SlowMotionMs = store.Get(runId)?.SlowMotionMs ?? 0;
        return control;
    }

    public void Detach(string runId) => _controls.TryRemove(runId, out _);

    /// <summary>The controls of a run training in this process, if it is.</summary>
    public RunControl? Control(string runId) => _controls.GetValueOrDefault(runId);

    private void Announce(RunDocument run) => bus.Publish(new RunStatusChanged(run.Id, run.Status, run.Progress, run.Error));
}

/// <summary>The outcome of <see cref="RunLifecycle.Move"/>: the stored run when it moved; the status it was in
/// (null when no such run exists).</summary>
public readonly record struct Transition(RunDocument? Run, RunStatus? From)
{
    public bool Moved => Run is not null;
    public bool NotFound => From is null;
}
