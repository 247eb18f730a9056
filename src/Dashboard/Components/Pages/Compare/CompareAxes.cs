using Vinula.Dashboard.Curves;

namespace Vinula.Dashboard.Components.Pages.Compare;

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
        // Runs of different families share nothing: the most telling metric any of them has then, never a timing.
        return Pick(shared) ?? Pick(seriesPerRun.SelectMany(s => s).Distinct());
    }

    private static string? Pick(IEnumerable<string> candidates)
    {
        var names = candidates.Where(s => !EpochAxis.IsEpochMarker(s)).Order(StringComparer.Ordinal).ToList();
        if (names.Contains("student/test_accuracy")) return "student/test_accuracy";
        foreach (var suffix in PreferredSuffixes)
            if (names.FirstOrDefault(s => s.EndsWith(suffix, StringComparison.Ordinal)) is { } found)
                return found;
        return names.Contains("g/loss") ? "g/loss" : names.FirstOrDefault();
    }
}
