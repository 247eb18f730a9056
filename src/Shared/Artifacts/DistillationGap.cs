namespace Vinula.Shared.Artifacts;

/// <summary>The summary key <c>gap_recovered</c>: how much of the gap between a student trained from scratch and
/// the teacher distillation closes.</summary>
public static class DistillationGap
{
    /// <summary>(err_scratch − err_kd) / (err_scratch − err_teacher); undefined when the teacher is no better
    /// than the student trained from scratch.</summary>
    public static double? Recovered(double teacherError, double scratchError, double distilledError) =>
        scratchError - teacherError > 0 ? (scratchError - distilledError) / (scratchError - teacherError) : null;
}
