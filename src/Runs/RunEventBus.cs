using Microsoft.Extensions.Logging;
using System.Collections.Immutable;
using System.Threading.Channels;
using Vinula.Shared.Events;

namespace Vinula.Runs;

/// <summary>
/// The one in-process stream of run events. Runs publish (already coalesced); the SignalR relay and the pages
/// subscribe. In a team, events another process published arrive through <see cref="Deliver"/>: the pages see
/// them like local ones, while the relays (SignalR, Redis) pass on only this process's own, so every event leaves
/// its process once. Each subscriber reads from its own queue on its own task, so publishing never runs subscriber
/// code on the training thread: Blazor's <c>InvokeAsync</c> would otherwise render inline on the caller's
/// thread, inside the run's grad mode and dispose scope, and a slow page would slow training.
/// </summary>
public sealed class RunEventBus(ILogger<RunEventBus> logger)
{
    private readonly ILogger _logger = logger;
    private ImmutableArray<Subscription> _subscriptions = [];

    /// <summary>Every run's events reach <paramref name="handler"/> in publishing order, one at a time, never on
    /// the publisher's thread. <paramref name="filter"/> (run on the publisher's thread, so keep it trivial) keeps
    /// the events the subscriber wants out of its queue altogether.</summary>
    public IDisposable Subscribe(Func<RunEvent, Task> handler, Func<RunEvent, bool>? filter = null) =>
        Add(new Subscription(this, handler, filter, localOnly: false));

    /// <summary>Only the events published in this process, not those <see cref="Deliver"/>ed from others: for the
    /// relays that send them out of it.</summary>
    public IDisposable SubscribeLocal(Func<RunEvent, Task> handler) => Add(new Subscription(this, handler, null, localOnly: true));

    private Subscription Add(Subscription subscription)
    {
        ImmutableInterlocked.Update(ref _subscriptions, s => s.Add(subscription));
        return subscription;
    }

    public IDisposable Subscribe(Action<RunEvent> handler, Func<RunEvent, bool>? filter = null) => Subscribe(e =>
    {
        handler(e);
        return Task.CompletedTask;
    }, filter);

    /// <summary>One run's events only (a Run page).</summary>
    public IDisposable SubscribeRun(string runId, Func<RunEvent, Task> handler) =>
        Subscribe(handler, e => string.Equals(e.RunId, runId, StringComparison.Ordinal));

    public void Publish(RunEvent e) => Dispatch(e, remote: false);

    /// <summary>An event another process of the team published (a worker's run, another dashboard's change).</summary>
    public void Deliver(RunEvent e) => Dispatch(e, remote: true);

    private void Dispatch(RunEvent e, bool remote)
    {
        foreach (var subscription in _subscriptions)
            if ((!remote || !subscription.LocalOnly) && (subscription.Filter is null || subscription.Filter(e)))
                subscription.Queue.Writer.TryWrite(e);
    }

    private sealed class Subscription : IDisposable
    {
        private readonly RunEventBus _bus;

        public Subscription(RunEventBus bus, Func<RunEvent, Task> handler, Func<RunEvent, bool>? filter, bool localOnly)
        {
            _bus = bus;
            Filter = filter;
            LocalOnly = localOnly;
            _ = Task.Run(async () =>
            {
                await foreach (var e in Queue.Reader.ReadAllAsync())
                {
                    try { await handler(e); }
                    catch (Exception ex) { bus._logger.LogWarning(ex, "A run event handler failed on {Event}.", e.GetType().Name); }
                }
            });
        }

        public Func<RunEvent, bool>? Filter { get; }

        public bool LocalOnly { get; }

        public Channel<RunEvent> Queue { get; } = Channel.CreateUnbounded<RunEvent>(new UnboundedChannelOptions { SingleReader = true });

        public void Dispose()
        {
            ImmutableInterlocked.Update(ref _bus._subscriptions, s => s.Remove(this));
            Queue.Writer.TryComplete();
        }
    }
}
