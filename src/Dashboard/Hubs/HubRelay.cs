using System.Threading.Channels;
using Microsoft.AspNetCore.SignalR;
using Vinula.Dashboard.Runs;
using Vinula.Shared.Events;

namespace Vinula.Dashboard.Hubs;

/// <summary>
/// Relays the in-process run events to SignalR clients. Events are queued and sent from this service's own
/// loop, so a slow or vanished browser delays only its own messages, never a training thread.
/// </summary>
public sealed class HubRelay(RunEventBus bus, IHubContext<RunsHub, IRunsClient> hub, ILogger<HubRelay> logger) : BackgroundService
{
    private readonly Channel<RunEvent> _events = Channel.CreateBounded<RunEvent>(
        new BoundedChannelOptions(10_000) { FullMode = BoundedChannelFullMode.DropOldest, SingleReader = true });

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var subscription = bus.Subscribe(e => _events.Writer.TryWrite(e));
        await foreach (var e in _events.Reader.ReadAllAsync(stoppingToken))
        {
            try
            {
                await SendAsync(e);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                logger.LogWarning(ex, "Could not relay {Event} for run {RunId}.", e.GetType().Name, e.RunId);
            }
        }
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
