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

    /// <summary>The flat summary the run ends with (PRODUCT.md, "Run summary keys").</summary>
    public Dictionary<string, double> Summary { get; } = new(StringComparer.Ordinal);

    public void Metric(string series, long step, double value) =>
        Sink.Metrics([new MetricPoint(series, step, value, DateTime.UtcNow)]);

    public void Metrics(long step, params ReadOnlySpan<(string Series, double Value)> values)
    {
        var now = DateTime.UtcNow;
        var points = new MetricPoint[values.Length];
        for (var i = 0; i < values.Length; i++)
            points[i] = new MetricPoint(values[i].Series, step, values[i].Value, now);
        Sink.Metrics(points);
    }

    public void Log(string message) => Sink.Log(message);

    public void Artifact(string name, string contentType, long step, string? group, byte[] content) =>
        Sink.Artifact(new ArtifactInfo(name, contentType, step, group), content);
}
