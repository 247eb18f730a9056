using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Vinula.Runs.Team;

/// <summary>
/// Finds the live runs whose worker has no heartbeat any more (<see cref="WorkerPresence"/>) and stores them as
/// interrupted, resumable from their last checkpoint on any worker. Every process of a team runs one; the move is a
/// compare-and-set on the stored run, so when several notice the same dead worker, one records it.
/// </summary>
public sealed class DeadWorkerReaper(RunLifecycle lifecycle, TeamRedis redis,
    IOptions<DeploymentOptions> deployment, ILogger<DeadWorkerReaper> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var timeout = deployment.Value.WorkerTimeoutSeconds;
        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(Math.Max(1, timeout / 4)));
        while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false))
        {
            try { Reap(timeout); }
            catch (Exception e) { logger.LogWarning(e, "Could not look for runs of stopped workers."); }
        }
    }

    /// <summary>Interrupts the live runs of workers without a heartbeat; returns how many.</summary>
    public int Reap(double timeoutSeconds)
    {
        var reaped = 0;
        foreach (var worker in lifecycle.Live().Where(r => r.Worker is not null).GroupBy(r => r.Worker!))
        {
            if (redis.Database.KeyExists(redis.WorkerKey(worker.Key))) continue;
            foreach (var run in worker)
            {
                if (!lifecycle.Interrupt(run, $"worker {worker.Key} stopped answering (no heartbeat for {timeoutSeconds:0.#} s)")) continue;
                reaped++;
                logger.LogWarning("Run {RunId} was interrupted: its worker {Worker} stopped answering.", run.Id, worker.Key);
            }
        }
        return reaped;
    }
}
