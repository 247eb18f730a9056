using Hangfire;
using Hangfire.Common;
using Hangfire.States;
using Vinula.Runs.Storage;
using Vinula.Shared.Experiments;
using Vinula.Shared.Runs;

namespace Vinula.Runs.Team;

/// <summary>
/// The team's engine as a dashboard sees it: a queued run becomes a Hangfire job on the queue of its device, taken
/// by the first free worker that serves it; live controls go to every worker as Redis commands and the one training
/// the run applies them. Whether a control applies is read from the stored status, which the workers keep.
/// </summary>
public sealed class TeamRunEngine(IRunStore store, IBackgroundJobClient jobs, TeamRedis redis) : IRunEngine
{
    public void Enqueue(string runId, DeviceChoice device) =>
        jobs.Create(Job.FromExpression<RunJob>(j => j.Train(runId, CancellationToken.None)), new EnqueuedState(DeploymentOptions.QueueFor(device)));

    public bool Cancel(string runId) => Send(runId, RunCommandKind.Cancel, 0, RunStatus.Running, RunStatus.Paused);

    public bool Pause(string runId) => Send(runId, RunCommandKind.Pause, 0, RunStatus.Running);

    public bool Continue(string runId) => Send(runId, RunCommandKind.Continue, 0, RunStatus.Paused);

    public bool Step(string runId, int count) => Send(runId, RunCommandKind.Step, count, RunStatus.Paused);

    public void SlowMotion(string runId, int milliseconds) =>
        Send(runId, RunCommandKind.SlowMotion, milliseconds, RunStatus.Queued, RunStatus.Running, RunStatus.Paused);

    /// <summary>A dashboard's threads never hold a team's run; the stored status says whether it is live.</summary>
    public bool IsTrainingHere(string runId) => false;

    private bool Send(string runId, RunCommandKind kind, int value, params RunStatus[] when)
    {
        if (store.Get(runId) is not { } run || !when.Contains(run.Status)) return false;
        redis.Subscriber.Publish(redis.Commands, new RunCommand(runId, kind, value).ToJson());
        return true;
    }
}

/// <summary>The job a worker runs for a queued run: train it on the worker's thread. Hangfire's token is the
/// worker's shutdown (the run is stored as interrupted, resumable). No retries: a run that failed says why, and
/// a job fetched again after its worker died finds the run no longer queued and ends.</summary>
public sealed class RunJob(RunExecutor executor)
{
    [AutomaticRetry(Attempts = 0)]
    [JobDisplayName("train run {0}")]
    public void Train(string runId, CancellationToken cancellationToken) => executor.Train(runId, cancellationToken);
}
