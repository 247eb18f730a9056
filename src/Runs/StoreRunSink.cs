using System.Diagnostics;
using Vinula.Runs.Storage;
using Vinula.Engine.Training;
using Vinula.Shared.Events;
using Vinula.Shared.Runs;

namespace Vinula.Runs;

/// <summary>
/// Where a training run's reports go: the store (batched, each batch atomic) and the event bus. Metric points
/// and progress are coalesced to a few pushes per second, so a fast run neither floods browsers nor the
/// database. Called on the run's thread; <see cref="Flush"/> writes what is pending.
/// </summary>
public sealed class StoreRunSink(string runId, IRunStore store, RunEventBus bus, RunLifecycle lifecycle) : IRunSink
{
    private static readonly long PushInterval = Stopwatch.Frequency / 4;
    private static readonly long ProgressSaveInterval = Stopwatch.Frequency;

    private readonly List<MetricPoint> _pending = [];
    private long _lastMetricPush;
    private long _lastProgressPush;
    private long _lastProgressSave;
    private RunProgress? _progress;

    public RunProgress? LastProgress => _progress;

    /// <summary>The stored run stopped being live under this sink (<see cref="RunLifecycle.Progress"/>): nothing more is
    /// written, and <see cref="OnLost"/> was called once (the executor cancels the run).</summary>
    public bool Lost { get; private set; }

    public Action? OnLost { get; init; }

    public void Publish(EngineEvent e)
    {
        switch (e)
        {
            case MetricsAppended m:
                _pending.AddRange(m.Points);
                if (Stopwatch.GetTimestamp() - _lastMetricPush >= PushInterval)
                    FlushMetrics();
                break;
            case RunProgressChanged p:
                Progress(p.Progress);
                break;
            case LogAppended when Lost:
                break;
            case LogAppended l:
                store.AppendLog(runId, l.Line);
                bus.Publish(l);
                break;
            default:
                bus.Publish(e); // text samples, sweep points, kind-specific points: live only
                break;
        }
    }

    private void Progress(RunProgress progress)
    {
        _progress = progress;
        var now = Stopwatch.GetTimestamp();
        if (now - _lastProgressPush < PushInterval && progress.Fraction < 1) return;
        PushProgress(now);
    }

    private void PushProgress(long now, bool forceSave = false)
    {
        if (_progress is not { } progress) return;
        _lastProgressPush = now;
        FlushMetrics(); // points first, so a page never sees progress ahead of its curves
        var save = forceSave || now - _lastProgressSave >= ProgressSaveInterval;
        if (save) _lastProgressSave = now;
        if (lifecycle.Progress(runId, progress, save) || Lost) return;
        Lost = true;
        OnLost?.Invoke();
    }

    public void Artifact(ArtifactInfo info, byte[] content)
    {
        if (Lost) return;
        store.SaveArtifact(runId, info, content);
        bus.Publish(new ArtifactAdded(runId, info.Name, info.ContentType, info.Step, info.Group));
    }

    public void Checkpoint(string name, byte[] content)
    {
        if (Lost) return; // never over the checkpoint a resume elsewhere may be training from
        FlushMetrics(); // a checkpoint never runs ahead of the metrics it covers
        store.SaveCheckpoint(runId, name, content);
    }

    public void Rewind(long step) => store.DeleteMetricsAfter(runId, step);

    /// <summary>Writes and publishes whatever is still buffered, progress included.</summary>
    public void Flush()
    {
        FlushMetrics();
        PushProgress(Stopwatch.GetTimestamp(), forceSave: true); // stored once, by the lifecycle, like every tick
    }

    private void FlushMetrics()
    {
        _lastMetricPush = Stopwatch.GetTimestamp();
        if (Lost) _pending.Clear(); // the run is someone else's now: a resume elsewhere rewinds to its checkpoint
        if (_pending.Count == 0) return;
        var batch = _pending.ToArray();
        _pending.Clear();
        store.AppendMetrics(runId, batch);
        bus.Publish(new MetricsAppended(runId, batch));
    }
}

/// <summary>The engine's read access to stored runs, served from the store.</summary>
public sealed class StoreRunLibrary(IRunStore store) : IRunLibrary
{
    public StoredRun? Find(string runId) =>
        store.Get(runId) is { } run
            ? new StoredRun(run.Id, run.Kind, run.Status, System.Text.Json.JsonDocument.Parse(run.ConfigJson).RootElement.Clone())
            : null;

    public byte[]? LoadCheckpoint(string runId, string name) => store.LoadCheckpoint(runId, name);

    public bool HasCheckpoint(string runId, string name) => store.HasCheckpoint(runId, name);

    public byte[]? LoadArtifact(string runId, string name) => store.LoadArtifact(runId, name)?.Content;

    public (string Name, byte[] Content)? LoadCorpus(string corpusId) =>
        store.LoadCorpus(corpusId) is { } content ? (store.CorpusName(corpusId) ?? corpusId, content) : null;

    public bool HasCorpus(string corpusId) => store.CorpusName(corpusId) is not null;
}
