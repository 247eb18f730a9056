using Vinula.Shared.Events;

namespace Vinula.Dashboard.Components.Pages.Compare;

/// <summary>What the Compare page draws against: each model's own epochs (the default: a student's first epoch is at
/// 1 whether or not its run trained a teacher first), or the run's global step.</summary>
public enum CompareAxis
{
    Epoch,
    Step,
}

/// <summary>
/// Puts a series on each model's own epoch axis. A model's epochs are the steps of its epoch-level series (one point
/// per epoch, e.g. <c>student/test_accuracy</c>): epoch k ends at step e_k. A step-level series of the same model
/// (<c>student/train_loss</c>) is placed between those ends linearly, x = k − 1 + (s − e_{k−1}) / (e_k − e_{k−1}), with
/// e_0 = e_1 − (e_2 − e_1) (the first epoch as long as the second; as long as itself from 0 when there is one).
/// </summary>
public static class EpochAxis
{
    /// <summary>The model a series belongs to: its name before the first <c>/</c> (<c>student/train_loss</c> →
    /// <c>student</c>).</summary>
    public static string Model(string series) => series.Split('/')[0];

    /// <summary>The step at which each epoch of <paramref name="series"/>'s model ended, from the model's epoch-level
    /// series among <paramref name="all"/> (the one with the fewest points, at least one); empty when it has none.</summary>
    public static long[] EpochEnds(string series, IReadOnlyDictionary<string, List<MetricPoint>> all)
    {
        var model = Model(series) + "/";
        var epochLevel = all.Where(kv => kv.Key.StartsWith(model, StringComparison.Ordinal) && kv.Value.Count > 0)
            .OrderBy(kv => kv.Value.Count).ThenBy(kv => kv.Key, StringComparer.Ordinal).FirstOrDefault();
        return epochLevel.Value is { } points ? [.. points.Select(p => p.Step).Distinct().Order()] : [];
    }

    /// <summary>The x of each point of <paramref name="points"/>: its epoch position given the model's epoch ends
    /// (the point's own index + 1 when the model has none, i.e. the series is itself epoch-level).</summary>
    public static double[] Positions(IReadOnlyList<MetricPoint> points, long[] ends)
    {
        if (ends.Length == 0) return [.. points.Select((_, i) => (double)(i + 1))];
        var first = ends.Length > 1 ? ends[0] - (ends[1] - ends[0]) : 0;
        return [.. points.Select(p => Position(p.Step, ends, first))];
    }

    private static double Position(long step, long[] ends, long start)
    {
        var previous = start;
        for (var k = 0; k < ends.Length; k++)
        {
            if (step <= ends[k])
                return k + (double)(step - previous) / Math.Max(1, ends[k] - previous);
            previous = ends[k];
        }
        // After the last known epoch end (a live run's unfinished epoch): as long as the last one.
        var length = ends.Length > 1 ? ends[^1] - ends[^2] : Math.Max(1, ends[^1] - start);
        return ends.Length + (double)(step - ends[^1]) / Math.Max(1, length);
    }
}

/// <summary>Per-run colours that do not depend on which runs are shown with it: a run keeps its colour on every
/// Compare page and in every selection.</summary>
public static class RunColors
{
    /// <summary>Ten hues far enough apart to tell lines apart (near twins such as sky and blue left out).</summary>
    private static readonly string[] Palette =
    [
        "#7c5cff", "#14b8a6", "#f59e0b", "#ef4444", "#3b82f6", "#a855f7", "#84cc16", "#ec4899", "#64748b", "#a16207",
    ];

    /// <summary>The colour of run <paramref name="runId"/>: FNV-1a of its id, modulo the palette (stable across
    /// processes, unlike <see cref="string.GetHashCode()"/>).</summary>
    public static string Of(string runId)
    {
        var hash = 2166136261u;
        foreach (var c in runId)
            hash = (hash ^ c) * 16777619u;
        return Palette[hash % (uint)Palette.Length];
    }
}

/// <summary>Which summary row has a winner worth marking.</summary>
public static class SummaryBest
{
    /// <summary>The single best value of <paramref name="key"/> among <paramref name="values"/>, or null: when fewer than
    /// two runs have it, when two or more share the best value (a tie marks nothing), or when the key is a size, a
    /// count or a setting echoed into the summary rather than a result.</summary>
    public static double? Of(string key, IReadOnlyList<double> values)
    {
        if (values.Count < 2 || !Meaningful(key)) return null;
        var best = LowerIsBetter(key) ? values.Min() : values.Max();
        return values.Count(v => v == best) == 1 ? best : null;
    }

    public static bool LowerIsBetter(string key) =>
        key.Contains("loss", StringComparison.Ordinal) || key.Contains("error", StringComparison.Ordinal)
        || key.Contains("mse", StringComparison.Ordinal) || key.Contains("nll", StringComparison.Ordinal)
        || key.Contains("seconds", StringComparison.Ordinal) || key.Contains("self_bleu", StringComparison.Ordinal);

    private static bool Meaningful(string key)
    {
        var last = key[(key.LastIndexOf('.') + 1)..];
        return !(last.StartsWith("params", StringComparison.Ordinal) || last is "count" or "layers" or "temperature" or "alpha"
            || key.StartsWith("test.majority", StringComparison.Ordinal) || key.StartsWith("test.most_frequent", StringComparison.Ordinal)
            || key is "temperature" or "alpha" or "bias_correction" or "best_temperature" or "active_units");
    }
}

/// <summary>The metric a Compare page opens on: one every selected run has, the most telling first.</summary>
public static class DefaultMetric
{
    /// <summary>Distillation's question first (the student), then each family's held-out measure.</summary>
    private static readonly string[] PreferredSuffixes = ["/test_accuracy", "/test_elbo", "/test_mse", "/test_loss"];

    public static string? For(IReadOnlyList<IReadOnlyCollection<string>> seriesPerRun)
    {
        if (seriesPerRun.Count == 0) return null;
        var shared = seriesPerRun.Skip(1).Aggregate(new HashSet<string>(seriesPerRun[0], StringComparer.Ordinal),
            (set, next) => { set.IntersectWith(next); return set; });
        if (shared.Contains("student/test_accuracy")) return "student/test_accuracy";
        foreach (var suffix in PreferredSuffixes)
            if (shared.Where(s => s.EndsWith(suffix, StringComparison.Ordinal)).Order(StringComparer.Ordinal).FirstOrDefault() is { } found)
                return found;
        return (shared.Contains("g/loss") ? "g/loss" : null)
            ?? shared.Order(StringComparer.Ordinal).FirstOrDefault()
            ?? seriesPerRun.SelectMany(s => s).Order(StringComparer.Ordinal).FirstOrDefault();
    }
}
