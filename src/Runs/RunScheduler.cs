using System.Collections.Concurrent;
using System.Threading.Channels;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Vinula.Engine.Hosting;
using Vinula.Runs.Storage;
using Vinula.Shared.Runs;

namespace Vinula.Runs;

/// <summary>
/// The embedded run queue: at most <c>Engine:MaxConcurrentRuns</c> runs train at once, each on one of as many
/// training threads (dispose scopes are thread-static, so a run keeps its thread from start to end). The threads
/// live as long as the process: glibc gives a thread an arena of its own and keeps it, so a new thread per run took
/// a new arena now and then, and the resident set grew by a run's peak each time (+52 % from run 2 to run 20 with a
/// trim after every run). On start, runs left <c>running</c> by a dead process become <c>interrupted</c> and queued
/// runs are queued again. (A team's workers take runs from the job queue instead: <c>src/Worker</c>.)
/// </summary>
public sealed class RunScheduler(IRunStore store, RunLifecycle lifecycle, RunExecutor executor, IOptions<EngineOptions> engineOptions)
    : BackgroundService
{
    private readonly Channel<string> _queue = Channel.CreateUnbounded<string>();
    private readonly SemaphoreSlim _slots = new(Math.Max(1, engineOptions.Value.MaxConcurrentRuns));
    private readonly BlockingCollection<Action> _training = [];

    public void Enqueue(string runId) => _queue.Writer.TryWrite(runId);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        TorchSetup.Initialise(engineOptions.Value);
        RecoverAfterRestart();
        for (var i = 0; i < Math.Max(1, engineOptions.Value.MaxConcurrentRuns); i++)
            new Thread(() => { foreach (var run in _training.GetConsumingEnumerable()) run(); })
            { IsBackground = true, Name = $"training {i + 1}" }.Start();

        await foreach (var runId in _queue.Reader.ReadAllAsync(stoppingToken))
        {
            await _slots.WaitAsync(stoppingToken);
            // As many threads as slots, and a slot is held: a thread is free to take it at once.
            _training.Add(() =>
            {
                try { executor.Train(runId, stoppingToken); }
                finally { _slots.Release(); }
            }, CancellationToken.None);
        }
    }

    /// <summary>On shutdown, running runs stop at their next step and are stored as interrupted; wait for them, as
    /// long as the host's shutdown timeout allows, so their last metrics and status reach the database. Not a shorter
    /// fixed wait: a run thread still inside libtorch (a long evaluation) when the process exits can abort it in
    /// native code, seen once after cancelling a text run.</summary>
    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken);
        while (executor.AnyRunning && !cancellationToken.IsCancellationRequested)
            await Task.Delay(50, CancellationToken.None);
    }

    private void RecoverAfterRestart()
    {
        foreach (var run in lifecycle.Live())
            lifecycle.Interrupt(run, "the server stopped");
        foreach (var run in store.WithStatus(RunStatus.Queued).OrderBy(r => r.CreatedAt))
            Enqueue(run.Id);
    }

    /// <summary>The training threads end once the host is disposed (after <see cref="StopAsync"/> waited for the runs).</summary>
    public override void Dispose()
    {
        _training.CompleteAdding();
        base.Dispose();
    }
}
