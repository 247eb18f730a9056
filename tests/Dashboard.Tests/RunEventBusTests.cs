using Microsoft.Extensions.Logging.Abstractions;
using Vinula.Dashboard.Runs;
using Vinula.Shared.Events;
using Vinula.Shared.Runs;

namespace Vinula.Dashboard.Tests;

public class RunEventBusTests
{
    [Fact]
    public async Task SubscribersNeverRunOnThePublishersThreadAndSeeEventsInOrder()
    {
        var bus = new RunEventBus(NullLogger<RunEventBus>.Instance);
        var seen = new List<(long Step, int Thread)>();
        var done = new TaskCompletionSource();
        using var subscription = bus.Subscribe(async e =>
        {
            await Task.Yield();
            lock (seen) seen.Add((((RunStatusChanged)e).Progress.Step, Environment.CurrentManagedThreadId));
            if (seen.Count == 100) done.TrySetResult();
        });

        var publisher = 0;
        var thread = new Thread(() =>
        {
            publisher = Environment.CurrentManagedThreadId;
            for (var i = 0; i < 100; i++)
                bus.Publish(new RunStatusChanged("r", RunStatus.Running, new RunProgress(0, i, 100, null), null));
        });
        thread.Start();
        thread.Join();
        await done.Task.WaitAsync(TimeSpan.FromSeconds(10));

        Assert.Equal(Enumerable.Range(0, 100).Select(i => (long)i), seen.Select(s => s.Step));
        Assert.DoesNotContain(seen, s => s.Thread == publisher);
    }

    [Fact]
    public async Task ASlowSubscriberDoesNotSlowThePublisher()
    {
        var bus = new RunEventBus(NullLogger<RunEventBus>.Instance);
        var release = new TaskCompletionSource();
        using var slow = bus.Subscribe(async _ => await release.Task);

        // Publishing finishes although the subscriber is stuck on the first event (a blocking bus would time out).
        await Task.Run(() =>
        {
            for (var i = 0; i < 1000; i++) bus.Publish(new RunDeleted("r"));
        }).WaitAsync(TimeSpan.FromSeconds(10));

        release.SetResult();
    }
}
