using Vinula.Shared.Runs;

namespace Vinula.Shared.Events;

/// <summary>Everything a run tells the world, as plain data (serialisable: an engine in another process could
/// stream the same events). The dashboard publishes them to one in-process stream; the SignalR hub relays them
/// and the pages subscribe to the same stream, per run or to all runs.</summary>
public abstract record RunEvent(string RunId);

/// <summary>What the training engine itself reports (the dashboard adds status, metadata and deletion).</summary>
public abstract record EngineEvent(string RunId) : RunEvent(RunId);

/// <summary>A status transition of the run lifecycle (never a progress tick: see <see cref="RunProgressChanged"/>).</summary>
public sealed record RunStatusChanged(string RunId, RunStatus Status, RunProgress Progress, string? Error) : RunEvent(RunId);

/// <summary>How far a live run has come; a few times a second while it trains.</summary>
public sealed record RunProgressChanged(string RunId, RunProgress Progress) : EngineEvent(RunId);

/// <summary>The user renamed, retagged or annotated a run, or changed its slow motion.</summary>
public sealed record RunMetadataChanged(string RunId, string Name, IReadOnlyList<string> Tags, string? Notes, int SlowMotionMs) : RunEvent(RunId);

/// <summary>One metric value: <c>series</c> like <c>teacher/train_loss</c>, at a global training step.</summary>
public sealed record MetricPoint(string Series, long Step, double Value, DateTime Time);

public sealed record MetricsAppended(string RunId, IReadOnlyList<MetricPoint> Points) : EngineEvent(RunId);

public sealed record ArtifactAdded(string RunId, string Name, string ContentType, long Step, string? Group) : EngineEvent(RunId);

/// <summary>Generated text at a step (a text generator's samples).</summary>
public sealed record TextSamples(string RunId, long Step, IReadOnlyList<string> Samples) : EngineEvent(RunId);

/// <summary>A temperature sweep finished one student: its test accuracy at (T, seed).</summary>
public sealed record SweepPoint(string RunId, double Temperature, int Seed, double Accuracy) : EngineEvent(RunId);

/// <summary>A kind-specific point for a live panel: a name (e.g. <c>reward</c>) and named numbers, at a step.
/// New kinds use this instead of adding an event type.</summary>
public sealed record PointAdded(string RunId, string Name, long Step, IReadOnlyDictionary<string, double> Values) : EngineEvent(RunId);

/// <summary>A line added to the run's log.</summary>
public sealed record LogAppended(string RunId, RunLogLine Line) : EngineEvent(RunId);

/// <summary>A run and everything it stored were deleted.</summary>
public sealed record RunDeleted(string RunId) : RunEvent(RunId);

/// <summary>The methods a client of <c>/hubs/runs</c> receives.</summary>
public interface IRunsClient
{
    Task RunStatusChanged(RunStatusChanged e);
    Task RunProgressChanged(RunProgressChanged e);
    Task RunMetadataChanged(RunMetadataChanged e);
    Task MetricsAppended(MetricsAppended e);
    Task ArtifactAdded(ArtifactAdded e);
    Task TextSamples(TextSamples e);
    Task SweepPoint(SweepPoint e);
    Task PointAdded(PointAdded e);
    Task RunDeleted(RunDeleted e);
}
