using Microsoft.AspNetCore.SignalR;
using Vinula.Dashboard.Runs;
using Vinula.Shared.Events;

namespace Vinula.Dashboard.Hubs;

/// <summary>
/// Relays the in-process run events to SignalR clients, from the bus's own queue for this subscriber: a slow or
/// vanished browser delays only messages, never a training thread.
/// </summary>
public sealed class HubRelay(RunEventBus bus, IHubContext<RunsHub, IRunsClient> hub, AllRunsSubscribers allRuns, ILogger<HubRelay> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var subscription = bus.Subscribe(async e =>
        {
            try
            {
                await SendAsync(e);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                logger.LogWarning(ex, "Could not relay {Event} for run {RunId}.", e.GetType().Name, e.RunId);
            }
        });
        await Task.Delay(Timeout.Infinite, stoppingToken).ContinueWith(_ => { }, TaskScheduler.Default);
    }

    private Task SendAsync(RunEvent e)
    {
        var run = hub.Clients.Group(RunsHub.RunGroup(e.RunId));
        return e switch
        {
            RunStatusChanged s => ToRunAndAll(e.RunId, c => c.RunStatusChanged(s)),
            RunProgressChanged p => ToRunAndAll(e.RunId, c => c.RunProgressChanged(p)),
            RunMetadataChanged m => ToRunAndAll(e.RunId, c => c.RunMetadataChanged(m)),
            RunDeleted d => ToRunAndAll(e.RunId, c => c.RunDeleted(d)),
            MetricsAppended m => run.MetricsAppended(m),
            ArtifactAdded a => run.ArtifactAdded(a),
            TextSamples t => run.TextSamples(t),
            SweepPoint p => run.SweepPoint(p),
            PointAdded p => run.PointAdded(p),
            _ => Task.CompletedTask, // log lines stay in-process (the Run page); clients read them over HTTP
        };
    }

    /// <summary>To the run's subscribers and every-run subscribers, once each (a client may be both).</summary>
    private Task ToRunAndAll(string runId, Func<IRunsClient, Task> send) =>
        Task.WhenAll(send(hub.Clients.Group(RunsHub.AllRunsGroup)),
            send(hub.Clients.GroupExcept(RunsHub.RunGroup(runId), allRuns.Snapshot())));
}
