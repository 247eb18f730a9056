using Plotly.Blazor;
using Plotly.Blazor.Traces;
using Plotly.Blazor.Traces.ScatterLib;
using Vinula.Dashboard.Components.Live;
using Vinula.Shared.Events;

namespace Vinula.Dashboard.Curves;

/// <summary>The Plotly traces of one line, drawn the same way on the Run and Compare pages.</summary>
public static class CurveTraces
{
    /// <summary>
    /// The traces of a line: its points, thinned on the server when long (<see cref="Downsampling"/>); when the view
    /// smooths and the line is a step-level one (no markers), the smoothed line over the raw one drawn faint (the raw points stay
    /// visible, as in TensorBoard, so smoothing never hides a spike). Points whose x is unknown are left out.
    /// </summary>
    public static List<ITrace> For(ChartSeries style, IReadOnlyList<MetricPoint> points, object?[] xs, CurveView view,
        int maxPoints = Downsampling.DefaultMaxPoints)
    {
        var known = Enumerable.Range(0, points.Count).Where(i => xs[i] is not null).ToArray();
        var values = known.Select(i => points[i].Value).ToArray();
        var x = known.Select(i => xs[i]!).ToArray();
        var smooth = view.Smoothing > 0 && !style.Markers;
        var keep = Downsampling.MinMax(values, maxPoints);
        var mode = style.Markers || keep.Length == 1 ? ModeFlag.Lines | ModeFlag.Markers : ModeFlag.Lines;
        var raw = new Scatter
        {
            Name = style.Label,
            LegendGroup = style.Label,
            Mode = mode,
            X = keep.Select(i => x[i]).ToList(),
            Y = keep.Select(i => (object)values[i]).ToList(),
            Line = new Line { Color = style.Color, Width = 2, Dash = style.Dashed ? "dot" : "solid" },
            Marker = mode.HasFlag(ModeFlag.Markers) ? new Marker { Color = style.Color, Size = 5 } : null,
        };
        if (!smooth) return [raw];
        raw.Opacity = 0.25m;
        raw.ShowLegend = false;
        raw.HoverInfo = HoverInfoFlag.Skip;
        raw.Line.Width = 1;
        var smoothed = Smoothing.Ema(values, view.Smoothing);
        return
        [
            raw,
            new Scatter
            {
                Name = style.Label,
                LegendGroup = style.Label,
                Mode = ModeFlag.Lines,
                X = keep.Select(i => x[i]).ToList(),
                Y = keep.Select(i => (object)smoothed[i]).ToList(),
                Line = new Line { Color = style.Color, Width = 2, Dash = style.Dashed ? "dot" : "solid" },
            },
        ];
    }
}
