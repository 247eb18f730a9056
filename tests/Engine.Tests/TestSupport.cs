using Vinula.Engine.Data;
using Vinula.Engine.Hosting;
using Vinula.Engine.Training;
using Vinula.Shared.Events;
using Vinula.Shared.Runs;

namespace Vinula.Engine.Tests;

/// <summary>The real MNIST, fetched once into the repository's dataset cache (the app uses the same one).</summary>
public static class TestData
{
    private static readonly Lazy<DatasetCatalog> Catalog = new(() =>
    {
        TorchSetup.Initialise(new EngineOptions { Threads = 1 });
        var root = RepositoryRoot.Find();
        return new DatasetCatalog(new DataOptions { Directory = Path.Combine(root, "data", "datasets") });
    });

    public static DatasetCatalog Datasets => Catalog.Value;

    public static void InitTorch() => TorchSetup.Initialise(new EngineOptions { Threads = 1 });
}

/// <summary>Keeps everything a run reports, and serves it back as the library.</summary>
public sealed class MemorySink : IRunSink, IRunLibrary
{
    public List<MetricPoint> Points { get; } = [];
    public List<RunProgress> ProgressReports { get; } = [];
    public List<string> Logs { get; } = [];
    public Dictionary<string, (ArtifactInfo Info, byte[] Content)> Artifacts { get; } = [];
    public Dictionary<(string Run, string Name), byte[]> Checkpoints { get; } = [];
    public Dictionary<string, StoredRun> Runs { get; } = [];
    public string RunId { get; set; } = "test-run";
    public int CheckpointWrites { get; private set; }

    public Action<MemorySink>? OnMetrics { get; set; }

    public List<EngineEvent> Events { get; } = [];

    public void Publish(EngineEvent e)
    {
        switch (e)
        {
            case MetricsAppended m:
                Points.AddRange(m.Points);
                OnMetrics?.Invoke(this);
                break;
            case RunProgressChanged p:
                ProgressReports.Add(p.Progress);
                OnProgress?.Invoke(this);
                break;
            case LogAppended l:
                Logs.Add(l.Line.Message);
                break;
            case SweepPoint s:
                SweepPoints.Add((s.Temperature, s.Seed, s.Accuracy));
                break;
            default:
                Events.Add(e);
                break;
        }
    }
    /// <summary>Called after each report, e.g. to cancel the run at a chosen moment.</summary>
    public Action<MemorySink>? OnProgress { get; set; }
    public Action<MemorySink>? OnCheckpoint { get; set; }

    public void Artifact(ArtifactInfo info, byte[] content) => Artifacts[info.Name] = (info, content);

    /// <summary>The name of the newest checkpoint (the phase whose epoch just ended).</summary>
    public string? LastCheckpoint { get; private set; }

    public void Checkpoint(string name, byte[] content)
    {
        LastCheckpoint = name;
        Checkpoints[(RunId, name)] = content;
        CheckpointWrites++;
        OnCheckpoint?.Invoke(this);
    }

    public List<(double Temperature, int Seed, double Accuracy)> SweepPoints { get; } = [];

    public void Rewind(long step) => Points.RemoveAll(p => p.Step > step);

    public StoredRun? Find(string runId) => Runs.GetValueOrDefault(runId);
    public byte[]? LoadCheckpoint(string runId, string name) => Checkpoints.GetValueOrDefault((runId, name));
    public bool HasCheckpoint(string runId, string name) => Checkpoints.ContainsKey((runId, name));
    public byte[]? LoadArtifact(string runId, string name) => runId == RunId && Artifacts.TryGetValue(name, out var a) ? a.Content : null;

    /// <summary>Uploaded corpora by id.</summary>
    public Dictionary<string, (string Name, byte[] Content)> Corpora { get; } = [];

    public (string Name, byte[] Content)? LoadCorpus(string corpusId) => Corpora.TryGetValue(corpusId, out var c) ? c : null;

    public bool HasCorpus(string corpusId) => Corpora.ContainsKey(corpusId);

    public IEnumerable<MetricPoint> Series(string name) => Points.Where(p => p.Series == name);
}
