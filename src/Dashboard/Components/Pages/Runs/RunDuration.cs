using System.Globalization;
using Vinula.Shared.Runs;

namespace Vinula.Dashboard.Components.Pages.Runs;

/// <summary>How long a run took, or has been running, as the list shows it: "42 s", "3 m 12 s", "1:02:03".</summary>
public static class RunDuration
{
    /// <summary>Null for a run that never started.</summary>
    public static TimeSpan? Of(RunDto run, DateTime utcNow) => run.StartedAt is not { } start ? null
        : run.FinishedAt is { } end ? end - start
        : run.Status.IsActive() ? utcNow - start
        : null;

    public static string Text(TimeSpan span)
    {
        if (span < TimeSpan.Zero) span = TimeSpan.Zero;
        return span.TotalSeconds < 60 ? $"{span.TotalSeconds:0} s"
            : span.TotalHours < 1 ? $"{span.Minutes} m {span.Seconds} s"
            : string.Create(CultureInfo.InvariantCulture, $"{(int)span.TotalHours}:{span.Minutes:00}:{span.Seconds:00}");
    }
}
