using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Vinula.Shared.Events;

namespace Vinula.Runs.Team;

/// <summary>
/// Run events across a team's processes, over one Redis channel: this process's own events go out (a worker's
/// curves, a dashboard's renames); a dashboard takes the others' in, for its pages (<see cref="RunEventBus.Deliver"/>).
/// The browsers' SignalR clients get them through the backplane instead (<see cref="Live.HubRelay"/>). Redis
/// delivers a publisher's messages in order, and they are handled one at a time, so a run's events stay in order.
/// </summary>
public sealed class RedisEventChannel(TeamRedis redis, RunEventBus bus, bool receive, ILogger<RedisEventChannel> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (receive)
        {
            var queue = await redis.Subscriber.SubscribeAsync(redis.Events);
            queue.OnMessage(message =>
            {
                if (RunEventEnvelope.Read(message.Message.ToString()) is { } envelope && envelope.Origin != redis.Origin)
                    bus.Deliver(envelope.Event);
            });
        }
        using var outgoing = bus.SubscribeLocal(async e =>
        {
            try
            {
                await redis.Subscriber.PublishAsync(redis.Events, RunEventEnvelope.Write(redis.Origin, e));
            }
            catch (Exception ex)
            {
                logger.LogWarning(ex, "Could not publish {Event} of run {RunId} to the team.", e.GetType().Name, e.RunId);
            }
        });
        await Task.Delay(Timeout.Infinite, stoppingToken).ContinueWith(_ => { }, TaskScheduler.Default);
    }
}
