using System.Globalization;
using Vinula.Shared.Events;

namespace Vinula.Dashboard.Curves;

/// <summary>The x of each point of a series on a chosen axis.</summary>
public static class CurveX
{
    /// <summary>
    /// The x of each point of <paramref name="series"/> on <paramref name="axis"/>; null where it is not known yet (a
    /// live model's first epoch has no end to measure epochs by: those points appear when it ends).
    /// </summary>
    /// <param name="all">Every series of the run (the epoch markers among them place the phases).</param>
    /// <param name="origin">The run's first point, for <see cref="CurveAxis.RelativeTime"/>.</param>
    public static object?[] Of(string series, IReadOnlyList<MetricPoint> points, IReadOnlyDictionary<string, List<MetricPoint>> all,
        CurveAxis axis, DateTime origin, IReadOnlyList<EpochAxis.Phase>? phases = null)
    {
        var xs = new object?[points.Count];
        switch (axis)
        {
            case CurveAxis.Step:
                for (var i = 0; i < xs.Length; i++) xs[i] = points[i].Step;
                break;
            case CurveAxis.WallTime:
                // Plotly reads this form as a date on a date axis; UTC, as the axis title says.
                for (var i = 0; i < xs.Length; i++) xs[i] = points[i].Time.ToString("yyyy-MM-dd HH:mm:ss.fff", CultureInfo.InvariantCulture);
                break;
            case CurveAxis.RelativeTime:
                for (var i = 0; i < xs.Length; i++) xs[i] = Math.Round((points[i].Time - origin).TotalSeconds, 3);
                break;
            default:
                phases ??= EpochAxis.Phases(all);
                var phase = EpochAxis.PhaseOf(series, points, phases);
                for (var i = 0; i < xs.Length; i++)
                {
                    var step = points[i].Step;
                    xs[i] = axis == CurveAxis.ModelStep
                        ? step - (phase?.Start ?? EpochAxis.StartBefore(step, phases))
                        : phase is null ? null : EpochAxis.Position(step, phase);
                }
                break;
        }
        return xs;
    }

    /// <summary>The time of a run's first point: where relative time starts.</summary>
    public static DateTime Origin(IReadOnlyDictionary<string, List<MetricPoint>> all) =>
        all.Values.Where(p => p.Count > 0).Select(p => p[0].Time).DefaultIfEmpty(DateTime.UnixEpoch).Min();
}
