using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Vinula.Engine.Hosting;

namespace Vinula.Runs.Team;

/// <summary>
/// A worker's heartbeat: a Redis key with its name that expires after <see cref="DeploymentOptions.WorkerTimeoutSeconds"/>,
/// renewed every second. When the key is gone, the worker is gone (killed, its machine off, cut off from the team),
/// and <see cref="DeadWorkerReaper"/> interrupts its runs. Also readies libtorch (threads) before jobs are taken.
/// </summary>
public sealed class WorkerPresence(TeamRedis redis, RunExecutor executor, RunLifecycle lifecycle,
    IOptions<DeploymentOptions> deployment, IOptions<EngineOptions> engine, ILogger<WorkerPresence> logger) : BackgroundService
{
    public override Task StartAsync(CancellationToken cancellationToken)
    {
        TorchSetup.Initialise(engine.Value);
        RecoverAfterRestart();
        Beat(); // before the job server starts: a run this worker starts is never taken for a dead worker's
        logger.LogInformation("Worker {Worker} serves the queues {Queues}.", executor.WorkerName, string.Join(", ", deployment.Value.ServedQueues));
        return base.StartAsync(cancellationToken);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(1));
        while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false))
        {
            try { Beat(); }
            catch (Exception e) { logger.LogWarning(e, "Worker {Worker} could not renew its heartbeat.", executor.WorkerName); }
        }
    }

    /// <summary>A worker with a configured name that comes back within the timeout would look alive to the reaper:
    /// the runs stored as its own were held by its previous life, and are interrupted here.</summary>
    private void RecoverAfterRestart()
    {
        foreach (var run in lifecycle.Live().Where(r => r.Worker == executor.WorkerName))
            lifecycle.Interrupt(run, $"worker {executor.WorkerName} restarted");
    }

    private void Beat() => redis.Database.StringSet(redis.WorkerKey(executor.WorkerName!), DateTime.UtcNow.ToString("O"),
        TimeSpan.FromSeconds(deployment.Value.WorkerTimeoutSeconds));

    /// <summary>A worker that stops on purpose says so at once: its runs were stored as interrupted already.</summary>
    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken);
        try { await redis.Database.KeyDeleteAsync(redis.WorkerKey(executor.WorkerName!)); }
        catch (Exception e) { logger.LogDebug(e, "Worker {Worker} could not remove its heartbeat.", executor.WorkerName); }
    }
}
