using System.Globalization;

namespace Vinula.Dashboard.Curves;

/// <summary>What a curve is drawn against.</summary>
public enum CurveAxis
{
    /// <summary>Each model's own epochs from 0: a student's first epoch ends at 1 whether or not its run trained a
    /// teacher first, so models that trained one after another overlay.</summary>
    Epoch,

    /// <summary>Each model's own optimiser steps from 0 (a phase's steps, not the run's).</summary>
    ModelStep,

    /// <summary>The run's global step: models that trained one after another sit one after another.</summary>
    Step,

    /// <summary>The clock (UTC) when the point was recorded.</summary>
    WallTime,

    /// <summary>Seconds since the run's first point.</summary>
    RelativeTime,
}

/// <summary>How a page draws its curves; pages keep it in the URL (<c>x</c>, <c>smooth</c>, <c>logx</c>, <c>logy</c>).</summary>
/// <param name="Smoothing">Debiased EMA weight in [0, 0.99] on training curves (0 = raw).</param>
/// <param name="LogY">Log y on the charts that allow it (losses).</param>
public sealed record CurveView(CurveAxis Axis = CurveAxis.Step, double Smoothing = 0, bool LogX = false, bool LogY = false)
{
    /// <summary>The URL's words for the axes, in the order a picker lists them.</summary>
    public static IReadOnlyList<(CurveAxis Axis, string Url, string Label)> Axes { get; } =
    [
        (CurveAxis.Epoch, "epoch", "epoch (each model's own)"),
        (CurveAxis.ModelStep, "model-step", "step (each model's own)"),
        (CurveAxis.Step, "step", "global step"),
        (CurveAxis.WallTime, "time", "wall time (UTC)"),
        (CurveAxis.RelativeTime, "relative", "seconds since start"),
    ];

    public static string UrlName(CurveAxis axis) => Axes.First(a => a.Axis == axis).Url;

    public static string Label(CurveAxis axis) => Axes.First(a => a.Axis == axis).Label;

    public static CurveAxis? ParseAxis(string? url) =>
        Axes.FirstOrDefault(a => string.Equals(a.Url, url, StringComparison.OrdinalIgnoreCase)) is { Url: not null } found ? found.Axis : null;

    /// <summary>The smoothing weight a URL gives (<c>smooth=0.6</c>), clamped; 0 for anything unreadable.</summary>
    public static double ParseSmoothing(string? url) =>
        double.TryParse(url, NumberStyles.Float, CultureInfo.InvariantCulture, out var w) && double.IsFinite(w)
            ? Math.Clamp(w, 0, Curves.Smoothing.MaxWeight) : 0;

    /// <summary>The URL form of a smoothing weight; null (left out) for none.</summary>
    public static string? SmoothingUrl(double weight) =>
        weight <= 0 ? null : Math.Round(weight, 2).ToString("0.##", CultureInfo.InvariantCulture);

    /// <summary>Whether x is a clock (Plotly's date axis).</summary>
    public bool IsDate => Axis == CurveAxis.WallTime;
}
