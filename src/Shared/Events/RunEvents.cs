using Vinula.Shared.Runs;

namespace Vinula.Shared.Events;

/// <summary>Everything a run tells the world, as plain data. The engine publishes these to one in-process
/// stream; the SignalR hub relays them and the pages subscribe to the same stream.</summary>
public abstract record RunEvent(string RunId);

public sealed record RunStatusChanged(string RunId, RunStatus Status, RunProgress Progress, string? Error) : RunEvent(RunId);

/// <summary>One metric value: <c>series</c> like <c>teacher/train_loss</c>, at a global training step.</summary>
public sealed record MetricPoint(string Series, long Step, double Value, DateTime Time);

public sealed record MetricsAppended(string RunId, IReadOnlyList<MetricPoint> Points) : RunEvent(RunId);

public sealed record ArtifactAdded(string RunId, string Name, string ContentType, long Step, string? Group) : RunEvent(RunId);

public sealed record TextSamples(string RunId, long Step, IReadOnlyList<string> Samples) : RunEvent(RunId);

public sealed record SweepPoint(string RunId, double Temperature, int Seed, double Accuracy) : RunEvent(RunId);

/// <summary>A line added to the run's log.</summary>
public sealed record LogAppended(string RunId, RunLogLine Line) : RunEvent(RunId);

/// <summary>A run and everything it stored were deleted.</summary>
public sealed record RunDeleted(string RunId) : RunEvent(RunId);

/// <summary>The methods a client of <c>/hubs/runs</c> receives.</summary>
public interface IRunsClient
{
    Task RunStatusChanged(RunStatusChanged e);
    Task MetricsAppended(MetricsAppended e);
    Task ArtifactAdded(ArtifactAdded e);
    Task TextSamples(TextSamples e);
    Task SweepPoint(SweepPoint e);
    Task RunDeleted(RunDeleted e);
}
