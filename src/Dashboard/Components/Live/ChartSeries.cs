namespace Vinula.Dashboard.Components.Live;

/// <summary>One line of a metric chart: the stored series name, its legend label and look. Epoch-level
/// series get markers, so their first point shows before there is a line. One convention on every chart:
/// test (held-out) lines are solid, training lines dotted (<see cref="Dashed"/>).</summary>
public sealed record ChartSeries(string Name, string Label, string Color, bool Dashed = false, bool Markers = false);

/// <summary>Colours of the model roles, the same on every panel.</summary>
public static class RoleColors
{
    public const string Teacher = "#7c5cff";
    public const string Student = "#14b8a6";
    public const string Baseline = "#f59e0b";

    public static string Of(string role) => role switch
    {
        "teacher" => Teacher,
        "student" => Student,
        "baseline" => Baseline,
        _ => "#64748b",
    };
}
