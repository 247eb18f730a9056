using Vinula.Shared.Events;

namespace Vinula.Dashboard.Components.Live;

/// <summary>
/// One open Run page's view of its run: the metric points it has (snapshot plus live, no step twice) and the
/// events that arrive, handed to the panels below it. Lives on the page's circuit; raised on its dispatcher.
/// </summary>
public sealed class RunLive(string runId)
{
    public string RunId { get; } = runId;

    public Dictionary<string, List<MetricPoint>> Points { get; } = new(StringComparer.Ordinal);

    /// <summary>New points (already in <see cref="Points"/>), for charts to extend their lines.</summary>
    public event Func<IReadOnlyList<MetricPoint>, Task>? MetricsAdded;

    /// <summary>Any other event of the run: artifacts, sweep points, status.</summary>
    public event Func<RunEvent, Task>? EventReceived;

    /// <summary>Keeps the points whose step is new for their series; returns them.</summary>
    public IReadOnlyList<MetricPoint> Merge(IReadOnlyList<MetricPoint> points)
    {
        var fresh = new List<MetricPoint>(points.Count);
        foreach (var p in points)
        {
            if (!Points.TryGetValue(p.Series, out var list)) Points[p.Series] = list = [];
            if (list.Count > 0 && p.Step <= list[^1].Step) continue;
            list.Add(p);
            fresh.Add(p);
        }
        return fresh;
    }

    public async Task RaiseMetricsAsync(IReadOnlyList<MetricPoint> fresh)
    {
        if (fresh.Count == 0 || MetricsAdded is null) return;
        foreach (var handler in MetricsAdded.GetInvocationList().Cast<Func<IReadOnlyList<MetricPoint>, Task>>())
            await handler(fresh);
    }

    public async Task RaiseAsync(RunEvent e)
    {
        if (EventReceived is null) return;
        foreach (var handler in EventReceived.GetInvocationList().Cast<Func<RunEvent, Task>>())
            await handler(e);
    }
}
