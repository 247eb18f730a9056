using System.Globalization;
using Vinula.Shared.Runs;

namespace Vinula.Dashboard.Components.Live;

/// <summary>How numbers and times read on the pages.</summary>
public static class Formats
{
    public static string Eta(double? seconds) => seconds switch
    {
        null => "estimating…",
        < 1 => "done in a moment",
        < 90 => $"{seconds:0} s left",
        < 5400 => $"{seconds / 60:0} min left",
        _ => $"{seconds / 3600:0.0} h left",
    };

    /// <summary>"1 seed", "3 seeds", "1,000 digits".</summary>
    public static string Count(long n, string singular, string? plural = null) =>
        $"{n.ToString("N0", CultureInfo.InvariantCulture)} {(n == 1 ? singular : plural ?? singular + "s")}";

    public static string Ago(DateTime utc)
    {
        var span = DateTime.UtcNow - utc;
        return span.TotalSeconds < 60 ? "just now"
            : span.TotalMinutes < 60 ? $"{span.TotalMinutes:0} min ago"
            : span.TotalHours < 24 ? $"{span.TotalHours:0} h ago"
            : utc.ToLocalTime().ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture);
    }

    public static string Accuracy(double? value) => value is { } v ? v.ToString("P2", CultureInfo.InvariantCulture) : "—";

    /// <summary>A summary number as a reader takes it: accuracies and shares as percentages, the rest as a number.</summary>
    public static string Summary(string key, double value) =>
        key.Contains("accuracy", StringComparison.Ordinal) || key is "gap_recovered" or "student.params_saved"
            ? value.ToString("P2", CultureInfo.InvariantCulture)
            : value.ToString("0.####", CultureInfo.InvariantCulture);

    public static string Millions(double parameters) => (parameters / 1e6).ToString(parameters < 1e5 ? "0.000" : "0.00", CultureInfo.InvariantCulture) + " M";

    /// <summary>The number a run is judged by, for the list: the student's accuracy for distillation.</summary>
    public static (string Label, string Value)? KeyMetric(RunDto run)
    {
        if (run.Summary.TryGetValue("test.elbo", out var elbo))
            return ("test ELBO (nats)", elbo.ToString("0.0", CultureInfo.InvariantCulture));
        if (run.Summary.TryGetValue("best_temperature", out var best)
            && run.Summary.TryGetValue($"student.test_accuracy@{best.ToString(CultureInfo.InvariantCulture)}", out var atBest))
            return ($"student acc at best T = {best.ToString(CultureInfo.InvariantCulture)}", Accuracy(atBest));
        foreach (var (key, label) in KeyMetrics)
            if (run.Summary.TryGetValue(key, out var v))
                return (label, key.EndsWith("accuracy", StringComparison.Ordinal) ? Accuracy(v) : v.ToString("0.####", CultureInfo.InvariantCulture));
        return null;
    }

    private static readonly (string Key, string Label)[] KeyMetrics =
    [
        ("student.test_accuracy", "student acc"),
        ("test.mse", "test MSE"),
        ("test.elbo", "test ELBO"),
        ("g.loss", "G loss (last epoch)"),
        ("bleu4", "BLEU-4"),
    ];
}
