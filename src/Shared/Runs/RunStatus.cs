namespace Vinula.Shared.Runs;

/// <summary>Where a run is in its life. Serialised as lowercase strings ("queued", "running", …).</summary>
public enum RunStatus
{
    Queued,
    Running,
    Completed,
    Failed,
    Cancelled,
    /// <summary>The process stopped while the run was running (crash, kill, restart).</summary>
    Interrupted,
}

public static class RunStatusExtensions
{
    /// <summary>A finished run will not change status again by itself.</summary>
    public static bool IsFinished(this RunStatus status) =>
        status is RunStatus.Completed or RunStatus.Failed or RunStatus.Cancelled or RunStatus.Interrupted;

    public static bool IsActive(this RunStatus status) => status is RunStatus.Queued or RunStatus.Running;
}
