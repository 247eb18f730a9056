using Microsoft.Extensions.DependencyInjection;
using Vinula.Dashboard.Runs;
using Vinula.Shared.Events;
using Vinula.Shared.Runs;

namespace Vinula.Dashboard.Tests;

/// <summary>
/// Waits for a run to reach a state by listening to the app's own event bus (no fixed sleeps, no polling): the
/// condition is checked once at the start and again after every event of the run.
/// </summary>
public static class RunWaiter
{
    public static async Task<RunDto> WaitForAsync(IServiceProvider services, string runId, Func<RunDto, bool> done, int seconds = 120)
    {
        var runs = services.GetRequiredService<RunService>();
        var bus = services.GetRequiredService<RunEventBus>();
        var reached = new TaskCompletionSource<RunDto>(TaskCreationOptions.RunContinuationsAsynchronously);

        void Check()
        {
            if (runs.Get(runId) is { } run && done(run)) reached.TrySetResult(run);
        }

        using (bus.SubscribeRun(runId, _ =>
        {
            Check();
            return Task.CompletedTask;
        }))
        {
            Check();
            var finished = await Task.WhenAny(reached.Task, Task.Delay(TimeSpan.FromSeconds(seconds)));
            return finished == reached.Task ? await reached.Task : runs.Get(runId)!;
        }
    }

    /// <summary>Waits for the next event of the run that matches.</summary>
    public static async Task<T?> NextAsync<T>(IServiceProvider services, string runId, Func<T, bool> match, Func<Task> trigger, int seconds = 60)
        where T : RunEvent
    {
        var bus = services.GetRequiredService<RunEventBus>();
        var seen = new TaskCompletionSource<T>(TaskCreationOptions.RunContinuationsAsynchronously);
        using (bus.SubscribeRun(runId, e =>
        {
            if (e is T t && match(t)) seen.TrySetResult(t);
            return Task.CompletedTask;
        }))
        {
            await trigger();
            var finished = await Task.WhenAny(seen.Task, Task.Delay(TimeSpan.FromSeconds(seconds)));
            return finished == seen.Task ? await seen.Task : null;
        }
    }
}
