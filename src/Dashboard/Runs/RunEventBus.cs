using System.Collections.Immutable;
using Vinula.Shared.Events;

namespace Vinula.Dashboard.Runs;

/// <summary>
/// The one in-process stream of run events. Runs publish (already coalesced); the SignalR relay and the
/// pages subscribe. Handlers must not block: a slow browser must never slow training.
/// </summary>
public sealed class RunEventBus(ILogger<RunEventBus> logger)
{
    private ImmutableArray<Action<RunEvent>> _handlers = [];

    public IDisposable Subscribe(Action<RunEvent> handler)
    {
        ImmutableInterlocked.Update(ref _handlers, h => h.Add(handler));
        return new Subscription(() => ImmutableInterlocked.Update(ref _handlers, h => h.Remove(handler)));
    }

    public void Publish(RunEvent e)
    {
        foreach (var handler in _handlers)
        {
            try { handler(e); }
            catch (Exception ex) { logger.LogWarning(ex, "A run event handler failed on {Event}.", e.GetType().Name); }
        }
    }

    private sealed class Subscription(Action dispose) : IDisposable
    {
        private int _disposed;
        public void Dispose()
        {
            if (Interlocked.Exchange(ref _disposed, 1) == 0) dispose();
        }
    }
}
