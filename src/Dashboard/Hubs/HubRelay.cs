using Microsoft.AspNetCore.SignalR;
using Vinula.Dashboard.Runs;
using Vinula.Shared.Events;

namespace Vinula.Dashboard.Hubs;

/// <summary>
/// Relays the in-process run events to SignalR clients, from the bus's own queue for this subscriber: a slow or
/// vanished browser delays only messages, never a training thread.
/// </summary>
public sealed class HubRelay(RunEventBus bus, IHubContext<RunsHub, IRunsClient> hub, ILogger<HubRelay> logger) : BackgroundService
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
        var runOrAll = hub.Clients.Groups(RunsHub.RunGroup(e.RunId), RunsHub.AllRunsGroup);
        return e switch
        {
            RunStatusChanged s => runOrAll.RunStatusChanged(s),
            RunDeleted d => runOrAll.RunDeleted(d),
            MetricsAppended m => run.MetricsAppended(m),
            ArtifactAdded a => run.ArtifactAdded(a),
            TextSamples t => run.TextSamples(t),
            SweepPoint p => run.SweepPoint(p),
            _ => Task.CompletedTask, // log lines stay in-process (the Run page); clients read them over HTTP
        };
    }
}
