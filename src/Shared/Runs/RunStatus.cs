namespace Vinula.Shared.Runs;

/// <summary>Where a run is in its life. Serialised as lowercase strings ("queued", "running", …). The legal
/// moves between them are <see cref="RunStatusExtensions.CanMoveTo"/>.</summary>
public enum RunStatus
{
    Queued,
    Running,
    Completed,
    Failed,
    Cancelled,
    /// <summary>The process stopped while the run was running or paused (crash, kill, restart).</summary>
    Interrupted,
    /// <summary>Stopped between two steps by the user, held in memory; resume, step or cancel it.</summary>
    Paused,
}

public static class RunStatusExtensions
{
    /// <summary>A finished run will not change status again by itself.</summary>
    public static bool IsFinished(this RunStatus status) =>
        status is RunStatus.Completed or RunStatus.Failed or RunStatus.Cancelled or RunStatus.Interrupted;

    /// <summary>Queued, running or paused: it holds (or waits for) a training slot.</summary>
    public static bool IsActive(this RunStatus status) => status is RunStatus.Queued or RunStatus.Running or RunStatus.Paused;

    /// <summary>Running or paused: its model is in memory and it takes live controls (pause, step, slow motion).</summary>
    public static bool IsLive(this RunStatus status) => status is RunStatus.Running or RunStatus.Paused;

    /// <summary>
    /// The run lifecycle as a state machine: queued → running ⇄ paused → completed / failed / cancelled /
    /// interrupted; interrupted and cancelled runs can be queued again (resume from a checkpoint).
    /// </summary>
    public static bool CanMoveTo(this RunStatus from, RunStatus to) => (from, to) switch
    {
        (RunStatus.Queued, RunStatus.Running or RunStatus.Cancelled) => true,
        (RunStatus.Running, RunStatus.Paused or RunStatus.Completed or RunStatus.Failed or RunStatus.Cancelled or RunStatus.Interrupted) => true,
        (RunStatus.Paused, RunStatus.Running or RunStatus.Failed or RunStatus.Cancelled or RunStatus.Interrupted) => true,
        (RunStatus.Interrupted or RunStatus.Cancelled, RunStatus.Queued) => true,
        _ => false,
    };
}
