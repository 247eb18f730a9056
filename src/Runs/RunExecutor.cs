using System.Collections.Concurrent;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Vinula.Engine.Data;
using Vinula.Engine.Experiments;
using Vinula.Engine.Hosting;
using Vinula.Engine.Training;
using Vinula.Runs.Storage;
using Vinula.Runs.Team;
using Vinula.Shared;
using Vinula.Shared.Events;
using Vinula.Shared.Experiments;
using Vinula.Shared.Runs;

namespace Vinula.Runs;

/// <summary>
/// Trains one queued run, start to end, on the calling thread, whichever queue handed it over: the embedded
/// <see cref="RunScheduler"/> or a team worker's job. The calling thread must live as long as the process (dispose
/// scopes are thread-static, and glibc keeps an arena per thread: see <see cref="RunScheduler"/>). The move from
/// queued to running is a compare-and-set on the stored run, so a run handed over twice (resume, cancel, resume; a
/// job fetched again after its worker died) trains once.
/// </summary>
public sealed class RunExecutor(
    IRunStore store,
    RunEventBus bus,
    RunLifecycle lifecycle,
    ExperimentCatalog catalog,
    DatasetCatalog datasets,
    IOptions<EngineOptions> engineOptions,
    IOptions<DeploymentOptions> deployment,
    ILogger<RunExecutor> logger)
{
    private readonly ConcurrentDictionary<string, CancellationTokenSource> _active = new(StringComparer.Ordinal);
    private long _tensorsLeft;

    /// <summary>A team worker's name, stored on the runs it trains (<see cref="RunDocument.Worker"/>), so the team sees
    /// which worker holds a run and a dead worker's runs can be found. Null in the embedded mode (one process).</summary>
    public string? WorkerName { get; } = deployment.Value.Worker;

    /// <summary>Asks a run training here to stop before its next step. False if it is not training here.</summary>
    public bool CancelRunning(string runId)
    {
        if (!_active.TryGetValue(runId, out var cts)) return false;
        cts.Cancel();
        return true;
    }

    public bool IsRunning(string runId) => _active.ContainsKey(runId);

    public bool AnyRunning => !_active.IsEmpty;

    public IReadOnlyCollection<string> Running => [.. _active.Keys];

    /// <summary>Tensors the runs created and did not dispose, summed over every run that ended here (TorchSharp's
    /// per-thread dispose-scope statistics, read on the training thread before and after each run). Flat from run to run once the
    /// process-wide caches a first run fills (the digit scorer) are loaded; it grows by what a run leaks. Not
    /// <c>Tensor.TotalCount</c>: that one also grows by one for every parameter ever created, freed or not.</summary>
    public long TensorsLeftByRuns => Interlocked.Read(ref _tensorsLeft);

    /// <summary>Trains the run if it is still queued; returns false at once if it is not (cancelled, deleted or
    /// already started elsewhere). <paramref name="stopping"/> is the host's shutdown: a run it stops is stored as
    /// interrupted, resumable; a cancel is stored as cancelled. Never throws.</summary>
    public bool Train(string runId, CancellationToken stopping)
    {
        // Register the token first, then move Queued → Running in one compare-and-set: a cancel that comes in
        // between finds the token.
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(stopping);
        if (!_active.TryAdd(runId, cts)) return false;
        var liveBefore = TorchSharp.DisposeScopeManager.Statistics.ThreadTotalLiveCount;
        try
        {
            if (Start(runId) is not { } started) return false;
            Execute(started.Run, started.Resume, stopping, cts);
            return true;
        }
        catch (Exception e)
        {
            // A run's thread must never take the process down (an unhandled exception on a thread ends it).
            logger.LogError(e, "Run {RunId} ended with an error its own handling could not store.", runId);
            return true;
        }
        finally
        {
            EndOfRun(runId, liveBefore); // before the run stops counting as running: IsRunning false means counted
            _active.TryRemove(runId, out _);
        }
    }

    /// <summary>Queued → Running, only if the run is still queued.</summary>
    private (RunDocument Run, bool Resume)? Start(string runId)
    {
        var resume = store.Get(runId)?.ResumeRequested ?? false;
        var started = lifecycle.Move(runId, RunStatus.Running, resume ? "resumed" : null, r =>
        {
            r.ResumeRequested = false;
            r.Worker = WorkerName;
        }, onlyFrom: RunStatus.Queued);
        return started.Run is { } run ? (run, resume) : null;
    }

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

    /// <summary>One run, start to end. Every exception ends in a stored status.</summary>
    private void Execute(RunDocument started, bool resume, CancellationToken stopping, CancellationTokenSource cts)
    {
        var runId = started.Id;
        var cancellation = cts.Token;
        // A run whose stored status stops being live under it (a team's reaper took this worker for dead; the run
        // may be resumed elsewhere) is stopped at its next step and leaves everything as the other process put it.
        var sink = new StoreRunSink(runId, store, bus, lifecycle) { OnLost = cts.Cancel };
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
                        $"{TorchSharp.torch.get_num_threads()} thread(s){(WorkerName is null ? "" : $", on worker {WorkerName}")}.");
            using (var run = definition.Create(config, context))
                new TrainingRunner(context).Run(run, resume, cancellation);
            summary = context.Summary;
            outcome = RunStatus.Completed;
        }
        catch (OperationCanceledException) when (stopping.IsCancellationRequested)
        {
            outcome = RunStatus.Interrupted;
            var paused = store.Get(runId)?.Status == RunStatus.Paused;
            error = $"Interrupted: {(WorkerName is null ? "the server" : $"worker {WorkerName}")} shut down{(paused ? " while the run was paused" : "")}." + lifecycle.ResumeHint(runId);
        }
        catch (OperationCanceledException)
        {
            outcome = RunStatus.Cancelled;
            error = "Cancelled by the user." + lifecycle.ResumeHint(runId);
        }
        catch (Exception e)
        {
            outcome = RunStatus.Failed;
            error = e is DivergenceException or DatasetUnavailableException ? e.Message : $"{e.GetType().Name}: {e.Message}";
            logger.LogWarning(e, "Run {RunId} failed.", runId);
        }

        if (sink.Lost)
        {
            lifecycle.Detach(runId);
            logger.LogWarning("Run {RunId} stopped here: it is {Status} in the store, moved by another process.", runId,
                store.Get(runId)?.Status.ToString().ToLowerInvariant() ?? "deleted");
            return;
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
}
