using System.Text.RegularExpressions;

namespace Vinula.Runs.Storage;

/// <summary>What the run list can be ordered by.</summary>
public enum RunSortField { CreatedAt, Name, Status, Kind, Duration, Summary }

/// <summary>
/// A parsed <c>sort=</c>: <c>createdAt</c> (the default, newest first), <c>name</c>, <c>status</c>, <c>kind</c>,
/// <c>duration</c> or <c>summary.&lt;key&gt;</c> (e.g. <c>summary.student.test_accuracy</c>); a leading '-' reverses.
/// Runs without a duration or without the summary key go last either way.
/// </summary>
public sealed partial record RunSort(RunSortField Field, bool Descending, string? SummaryKey = null)
{
    public static RunSort Default { get; } = new(RunSortField.CreatedAt, true);

    /// <summary>The keys that can be asked for, for error messages.</summary>
    public const string Known = "createdAt, name, status, kind, duration, summary.<key> (a leading '-' reverses)";

    /// <summary>Null for an unknown key. A summary key becomes part of a database expression, so it is limited to
    /// the characters metric names use.</summary>
    public static RunSort? Parse(string? sort)
    {
        if (string.IsNullOrWhiteSpace(sort)) return Default;
        var text = sort.Trim();
        var descending = text.StartsWith('-');
        var key = text.TrimStart('-', '+');
        if (key.StartsWith("summary.", StringComparison.OrdinalIgnoreCase))
        {
            var metric = key["summary.".Length..];
            return SummaryKeyPattern().IsMatch(metric) ? new RunSort(RunSortField.Summary, descending, metric) : null;
        }
        RunSortField? field = key.ToLowerInvariant() switch
        {
            "createdat" => RunSortField.CreatedAt,
            "name" => RunSortField.Name,
            "status" => RunSortField.Status,
            "kind" => RunSortField.Kind,
            "duration" => RunSortField.Duration,
            _ => null,
        };
        return field is { } f ? new RunSort(f, descending) : null;
    }

    /// <summary>The URL form (<c>-summary.test.mse</c>), as the page writes it.</summary>
    public override string ToString()
    {
        var name = Field switch
        {
            RunSortField.Summary => $"summary.{SummaryKey}",
            RunSortField.CreatedAt => "createdAt",
            _ => Field.ToString().ToLowerInvariant(),
        };
        return Descending ? "-" + name : name;
    }

    [GeneratedRegex(@"^[A-Za-z0-9_.@\-]{1,100}$")]
    private static partial Regex SummaryKeyPattern();
}
