using TorchSharp;
using Vinula.Engine.Data;
using Vinula.Shared.Events;
using Vinula.Shared.Runs;

namespace Vinula.Engine.Training;

/// <summary>What a run can reach while it trains: its sink, stored runs, datasets and its device.</summary>
public sealed class RunContext(string runId, IRunSink sink, IRunLibrary library, DatasetCatalog data, torch.Device device)
{
    public string RunId { get; } = runId;
    public IRunSink Sink { get; } = sink;
    public IRunLibrary Library { get; } = library;
    public DatasetCatalog Data { get; } = data;
    public torch.Device Device { get; } = device;

    /// <summary>Pause, single-step and slow motion, set from outside while the run trains.</summary>
    public RunControl Control { get; init; } = new();

    /// <summary>The least training time between two checkpoints of a phase; a phase's last epoch always writes one.
    /// Zero (the default) checkpoints every epoch. A resume repeats at most this much training.</summary>
    public TimeSpan CheckpointInterval { get; init; }

    /// <summary>The flat summary the run ends with (PRODUCT.md, "Run summary keys").</summary>
    public Dictionary<string, double> Summary { get; } = new(StringComparer.Ordinal);

    public void Metric(string series, long step, double value) =>
        Sink.Publish(new MetricsAppended(RunId, [new MetricPoint(series, step, value, DateTime.UtcNow)]));

    public void Metrics(long step, params ReadOnlySpan<(string Series, double Value)> values)
    {
        var now = DateTime.UtcNow;
        var points = new MetricPoint[values.Length];
        for (var i = 0; i < values.Length; i++)
            points[i] = new MetricPoint(values[i].Series, step, values[i].Value, now);
        Sink.Publish(new MetricsAppended(RunId, points));
    }

    public void Metrics(IReadOnlyList<MetricPoint> points) => Sink.Publish(new MetricsAppended(RunId, points));

    public void Progress(RunProgress progress) => Sink.Publish(new RunProgressChanged(RunId, progress));

    public void Log(string message) => Sink.Publish(new LogAppended(RunId, new RunLogLine(DateTime.UtcNow, message)));

    public void TextSamples(long step, IReadOnlyList<string> samples) => Sink.Publish(new TextSamples(RunId, step, samples));

    /// <summary>A kind-specific point for a live panel (see <see cref="PointAdded"/>).</summary>
    public void Point(string name, long step, IReadOnlyDictionary<string, double> values) =>
        Sink.Publish(new PointAdded(RunId, name, step, values));

    /// <summary>Any other plain-data event of this run (e.g. a sweep's <see cref="SweepPoint"/>).</summary>
    public void Publish(EngineEvent e) => Sink.Publish(e);

    public void Artifact(string name, string contentType, long step, string? group, byte[] content) =>
        Sink.Artifact(new ArtifactInfo(name, contentType, step, group), content);
}
