using Microsoft.AspNetCore.SignalR;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Vinula.Shared.Events;

namespace Vinula.Runs.Live;

/// <summary>
/// Relays the run events this process published to SignalR clients, from the bus's own queue for this subscriber:
/// a slow or vanished browser delays only messages, never a training thread. In a team every process relays its
/// own events (a worker its runs', a dashboard its users' changes) and the Redis backplane carries them to the
/// clients of every dashboard; events that came from another process are that process's to relay.
/// </summary>
public sealed class HubRelay(RunEventBus bus, IHubContext<RunsHub, IRunsClient> hub, ILogger<HubRelay> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var subscription = bus.SubscribeLocal(async e =>
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
            _ => Task.CompletedTask, // log lines stay with the pages; clients read them over HTTP
        };
    }

    /// <summary>To every-run subscribers and the run's other subscribers: once each (<see cref="RunsHub.StatusGroup"/>).</summary>
    private Task ToRunAndAll(string runId, Func<IRunsClient, Task> send) =>
        Task.WhenAll(send(hub.Clients.Group(RunsHub.AllRunsGroup)), send(hub.Clients.Group(RunsHub.StatusGroup(runId))));
}
