using System.Collections.Immutable;
using System.Threading.Channels;
using Vinula.Shared.Events;

namespace Vinula.Dashboard.Runs;

/// <summary>
/// The one in-process stream of run events. Runs publish (already coalesced); the SignalR relay and the pages
/// subscribe. Each subscriber reads from its own queue on its own task, so publishing never runs subscriber
/// code on the training thread: Blazor's <c>InvokeAsync</c> would otherwise render inline on the caller's
/// thread, inside the run's grad mode and dispose scope, and a slow page would slow training.
/// </summary>
public sealed class RunEventBus(ILogger<RunEventBus> logger)
{
    private readonly ILogger _logger = logger;
    private ImmutableArray<Subscription> _subscriptions = [];

    /// <summary>Events reach <paramref name="handler"/> in publishing order, one at a time, never on the publisher's thread.</summary>
    public IDisposable Subscribe(Func<RunEvent, Task> handler)
    {
        var subscription = new Subscription(this, handler);
        ImmutableInterlocked.Update(ref _subscriptions, s => s.Add(subscription));
        return subscription;
    }

    public IDisposable Subscribe(Action<RunEvent> handler) => Subscribe(e =>
    {
        handler(e);
        return Task.CompletedTask;
    });

    public void Publish(RunEvent e)
    {
        foreach (var subscription in _subscriptions)
            subscription.Queue.Writer.TryWrite(e);
    }

    private sealed class Subscription : IDisposable
    {
        private readonly RunEventBus _bus;

        public Subscription(RunEventBus bus, Func<RunEvent, Task> handler)
        {
            _bus = bus;
            _ = Task.Run(async () =>
            {
                await foreach (var e in Queue.Reader.ReadAllAsync())
                {
                    try { await handler(e); }
                    catch (Exception ex) { bus._logger.LogWarning(ex, "A run event handler failed on {Event}.", e.GetType().Name); }
                }
            });
        }

        public Channel<RunEvent> Queue { get; } = Channel.CreateUnbounded<RunEvent>(new UnboundedChannelOptions { SingleReader = true });

        public void Dispose()
        {
            ImmutableInterlocked.Update(ref _bus._subscriptions, s => s.Remove(this));
            Queue.Writer.TryComplete();
        }
    }
}
