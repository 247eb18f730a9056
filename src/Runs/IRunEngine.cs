using Vinula.Shared.Experiments;

namespace Vinula.Runs;

/// <summary>
/// Where runs train, as the dashboard sees it: in this process (<see cref="LocalRunEngine"/>, the embedded default)
/// or on a team's workers (<c>TeamRunEngine</c>: a job queue per device, commands over Redis). The run's stored
/// status says what is legal; these only carry the request to whoever trains the run.
/// </summary>
public interface IRunEngine
{
    /// <summary>Hands a queued run to the engine; it starts when a slot (a worker for its device) is free.</summary>
    void Enqueue(string runId, DeviceChoice device);

    /// <summary>Asks a live run to stop before its next step. False when no engine holds it live (it is queued,
    /// or already ended).</summary>
    bool Cancel(string runId);

    /// <summary>Asks a running run to pause between two steps. False when it is not running.</summary>
    bool Pause(string runId);

    /// <summary>Asks a paused (or pausing) run to go on. False when it is not paused.</summary>
    bool Continue(string runId);

    /// <summary>Asks a paused run to take <paramref name="count"/> steps and pause again. False when it is not paused.</summary>
    bool Step(string runId, int count);

    /// <summary>Sets the delay after every step of a live run.</summary>
    void SlowMotion(string runId, int milliseconds);

    /// <summary>Whether a thread of this process still holds the run (it may be finishing after its status moved).</summary>
    bool IsTrainingHere(string runId);
}

/// <summary>The embedded engine: the in-process queue, and the live controls of the runs training here.</summary>
public sealed class LocalRunEngine(RunScheduler scheduler, RunControls controls) : IRunEngine
{
    public void Enqueue(string runId, DeviceChoice device) => scheduler.Enqueue(runId);
    public bool Cancel(string runId) => controls.Cancel(runId);
    public bool Pause(string runId) => controls.Pause(runId);
    public bool Continue(string runId) => controls.Continue(runId);
    public bool Step(string runId, int count) => controls.Step(runId, count);
    public void SlowMotion(string runId, int milliseconds) => controls.SlowMotion(runId, milliseconds);
    public bool IsTrainingHere(string runId) => controls.IsTrainingHere(runId);
}

/// <summary>The live controls of the runs training in this process: the embedded engine's, and what a team
/// worker applies when a command for one of its runs arrives.</summary>
public sealed class RunControls(RunExecutor executor, RunLifecycle lifecycle)
{
    public bool Cancel(string runId) => executor.CancelRunning(runId);

    public bool Pause(string runId)
    {
        if (lifecycle.Control(runId) is not { } control) return false;
        control.Pause();
        return true;
    }

    public bool Continue(string runId)
    {
        if (lifecycle.Control(runId) is not { PauseRequested: true } control) return false;
        control.Resume();
        return true;
    }

    public bool Step(string runId, int count) => lifecycle.Control(runId) is { } control && control.Step(count);

    public void SlowMotion(string runId, int milliseconds)
    {
        if (lifecycle.Control(runId) is { } control) control.SlowMotionMs = milliseconds;
    }

    public bool IsTrainingHere(string runId) => executor.IsRunning(runId);
}
