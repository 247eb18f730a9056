using System.Collections.Concurrent;
using System.Text.Json;
using System.Threading.Channels;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Vinula.Runs.Storage;
using Vinula.Engine.Data;
using Vinula.Engine.Experiments;
using Vinula.Engine.Hosting;
using Vinula.Engine.Training;
using Vinula.Shared;
using Vinula.Shared.Experiments;
using Vinula.Shared.Events;
using Vinula.Shared.Runs;

namespace Vinula.Runs;

/// <summary>
/// The run queue: at most <c>Engine:MaxConcurrentRuns</c> runs train at once, each on one of as many training
/// threads (dispose scopes are thread-static, so a run keeps its thread from start to end). The threads live as long
/// as the process: glibc gives a thread an arena of its own and keeps it, so a new thread per run took a new arena
/// now and then, and the resident set grew by a run's peak each time (+52 % from run 2 to run 20 with a trim after
/// every run). On start, runs left <c>running</c> by a dead process become <c>interrupted</c> and queued runs are
/// queued again.
/// </summary>
public sealed class RunScheduler(
    IRunStore store,
    RunEventBus bus,
    RunLifecycle lifecycle,
    ExperimentCatalog catalog,
    DatasetCatalog datasets,
    IOptions<EngineOptions> engineOptions,
    ILogger<RunScheduler> logger) : BackgroundService
{
    private readonly Channel<string> _queue = Channel.CreateUnbounded<string>();
    private readonly ConcurrentDictionary<string, CancellationTokenSource> _active = new();
    private readonly SemaphoreSlim _slots = new(Math.Max(1, engineOptions.Value.MaxConcurrentRuns));
    private readonly BlockingCollection<Action> _training = [];

    public void Enqueue(string runId) => _queue.Writer.TryWrite(runId);

    /// <summary>Asks a running run to stop before its next step. False if it is not running here.</summary>
    public bool CancelRunning(string runId)
    {
        if (!_active.TryGetValue(runId, out var cts)) return false;
        cts.Cancel();
        return true;
    }

    public bool IsRunning(string runId) => _active.ContainsKey(runId);

    private CancellationToken _stopping;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        _stopping = stoppingToken;
        TorchSetup.Initialise(engineOptions.Value);
        RecoverAfterRestart();
        for (var i = 0; i < Math.Max(1, engineOptions.Value.MaxConcurrentRuns); i++)
            new Thread(() => { foreach (var run in _training.GetConsumingEnumerable()) run(); })
            { IsBackground = true, Name = $"training {i + 1}" }.Start();

        await foreach (var runId in _queue.Reader.ReadAllAsync(stoppingToken))
        {
            await _slots.WaitAsync(stoppingToken);
            // Register the token first, then move Queued → Running in one compare-and-set: a cancel that comes in
            // between finds the token; a run queued twice (resume, cancel, resume) starts once.
            var cts = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);
            if (!_active.TryAdd(runId, cts) || Start(runId) is not { } started)
            {
                if (_active.TryGetValue(runId, out var mine) && mine == cts) _active.TryRemove(runId, out _);
                cts.Dispose();
                _slots.Release(); // cancelled, deleted or already started while it waited
                continue;
            }
            // As many threads as slots, and a slot is held: a thread is free to take it at once.
            _training.Add(() =>
            {
                var liveBefore = TorchSharp.DisposeScopeManager.Statistics.ThreadTotalLiveCount;
                try { Execute(started.Run, started.Resume, cts.Token); }
                catch (Exception e)
                {
                    // A run's thread must never take the server down (an unhandled exception on a thread ends the process).
                    logger.LogError(e, "Run {RunId} ended with an error its own handling could not store.", runId);
                }
                finally
                {
                    EndOfRun(runId, liveBefore); // before the run stops counting as running: IsRunning false means counted
                    _active.TryRemove(runId, out _);
                    cts.Dispose();
                    _slots.Release();
                }
            }, CancellationToken.None);
        }
    }

    private long _tensorsLeft;

    /// <summary>Tensors the runs created and did not dispose, summed over every run that ended here (TorchSharp's
    /// per-thread dispose-scope statistics, read on the training thread before and after each run). Flat from run to run once the
    /// process-wide caches a first run fills (the digit scorer) are loaded; it grows by what a run leaks. Not
    /// <c>Tensor.TotalCount</c>: that one also grows by one for every parameter ever created, freed or not.</summary>
    public long TensorsLeftByRuns => Interlocked.Read(ref _tensorsLeft);

    /// <summary>A run is done: count what it left alive, and give the memory the run freed back to the OS. The
    /// allocator is tuned to keep freed memory (<see cref="NativeAllocator"/>), which makes steps fast; the run's
    /// large managed arrays wait for a full collection too. Released here, between runs, never during steps: runs
    /// still training fault their freed pages in once more.</summary>
    private void EndOfRun(string runId, long liveBefore)
    {
        var left = TorchSharp.DisposeScopeManager.Statistics.ThreadTotalLiveCount - liveBefore;
        if (left != 0)
        {
            Interlocked.Add(ref _tensorsLeft, left);
            logger.LogDebug("Run {RunId} left {Count} tensors alive.", runId, left);
        }
        if (!engineOptions.Value.ReleaseMemoryAfterRun) return;
        var clock = System.Diagnostics.Stopwatch.StartNew();
        NativeAllocator.Release();
        logger.LogDebug("Run {RunId} ended; releasing its memory took {Milliseconds:0.0} ms.", runId, clock.Elapsed.TotalMilliseconds);
    }

    /// <summary>On shutdown, running runs stop at their next step and are stored as interrupted; wait for them, as
    /// long as the host's shutdown timeout allows, so their last metrics and status reach the database. Not a shorter
    /// fixed wait: a run thread still inside libtorch (a long evaluation) when the process exits can abort it in
    /// native code, seen once after cancelling a text run.</summary>
    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken);
        while (!_active.IsEmpty && !cancellationToken.IsCancellationRequested)
            await Task.Delay(50, CancellationToken.None);
    }

    private void RecoverAfterRestart()
    {
        foreach (var run in store.WithStatus(RunStatus.Running).Concat(store.WithStatus(RunStatus.Paused)))
            lifecycle.Move(run.Id, RunStatus.Interrupted,
                $"Interrupted: the server stopped while the run was {(run.Status == RunStatus.Paused ? "paused" : "training")}." + ResumeHint(run.Id));
        foreach (var run in store.WithStatus(RunStatus.Queued).OrderBy(r => r.CreatedAt))
            Enqueue(run.Id);
    }

    /// <summary>Queued → Running, only if the run is still queued.</summary>
    private (RunDocument Run, bool Resume)? Start(string runId)
    {
        var resume = store.Get(runId)?.ResumeRequested ?? false;
        var started = lifecycle.Move(runId, RunStatus.Running, resume ? "resumed" : null, r => r.ResumeRequested = false,
            onlyFrom: RunStatus.Queued);
        return started.Run is { } run ? (run, resume) : null;
    }

    private string ResumeHint(string runId) => store.HasCheckpoint(runId)
        ? " Resume continues from the last checkpoint."
        : " It stopped before its first epoch ended, so there is no checkpoint: clone it to start again.";

    /// <summary>One run, start to end, on its own thread. Every exception ends in a stored status.</summary>
    private void Execute(RunDocument started, bool resume, CancellationToken cancellation)
    {
        var runId = started.Id;
        var sink = new StoreRunSink(runId, store, bus, lifecycle);
        var control = lifecycle.Attach(runId);

        RunStatus outcome;
        string? error = null;
        Dictionary<string, double>? summary = null;
        try
        {
            var definition = catalog.Find(started.Kind) ?? throw new InvalidOperationException($"Unknown experiment kind '{started.Kind}'.");
            var config = (ExperimentConfig)JsonSerializer.Deserialize(started.ConfigJson, definition.ConfigType, VinulaJson.Options)!;
            var device = TorchSetup.Resolve(config.Device, engineOptions.Value.Device);
            var context = new RunContext(runId, sink, new StoreRunLibrary(store), datasets, device)
            {
                Control = control,
                CheckpointInterval = TimeSpan.FromSeconds(Math.Max(0, engineOptions.Value.CheckpointSeconds)),
            };
            context.Log($"{(resume ? "resuming" : "starting")} {started.Kind} on {device.type.ToString().ToLowerInvariant()}, " +
                        $"{TorchSharp.torch.get_num_threads()} thread(s).");
            using (var run = definition.Create(config, context))
                new TrainingRunner(context).Run(run, resume, cancellation);
            summary = context.Summary;
            outcome = RunStatus.Completed;
        }
        catch (OperationCanceledException) when (_stopping.IsCancellationRequested)
        {
            outcome = RunStatus.Interrupted;
            var paused = store.Get(runId)?.Status == RunStatus.Paused;
            error = $"Interrupted: the server shut down{(paused ? " while the run was paused" : "")}." + ResumeHint(runId);
        }
        catch (OperationCanceledException)
        {
            outcome = RunStatus.Cancelled;
            error = "Cancelled by the user." + ResumeHint(runId);
        }
        catch (Exception e)
        {
            outcome = RunStatus.Failed;
            error = e is DivergenceException or DatasetUnavailableException ? e.Message : $"{e.GetType().Name}: {e.Message}";
            logger.LogWarning(e, "Run {RunId} failed.", runId);
        }

        try
        {
            sink.Flush();
            if (error is not null)
                sink.Publish(new LogAppended(runId, new RunLogLine(DateTime.UtcNow, outcome == RunStatus.Failed ? $"failed: {error}" : error)));
        }
        catch (Exception e)
        {
            logger.LogError(e, "Could not store the last reports of run {RunId}.", runId);
        }

        lifecycle.Detach(runId);
        var end = lifecycle.Move(runId, outcome, error, r =>
        {
            if (summary is not null) r.Summary = summary;
        });
        if (!end.Moved && !end.NotFound)
            logger.LogError("Run {RunId} ended {Outcome}, but it was {Status}: the move is not in the lifecycle.", runId, outcome, end.From);
    }

    /// <summary>The training threads end once the host is disposed (after <see cref="StopAsync"/> waited for the runs).</summary>
    public override void Dispose()
    {
        _training.CompleteAdding();
        base.Dispose();
    }
}
