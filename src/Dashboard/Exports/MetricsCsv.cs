using System.Globalization;
using System.Text;
using Vinula.Shared.Events;

namespace Vinula.Dashboard.Exports;

/// <summary>A run's metrics in long form, one row per point: <c>series,step,value,time</c> (RFC 4180 quoting; values
/// round-trip; times ISO-8601 UTC), series in ordinal order, each in step order.</summary>
public static class MetricsCsv
{
    public const string Header = "series,step,value,time";

    public static string Write(IReadOnlyDictionary<string, List<MetricPoint>> series)
    {
        var csv = new StringBuilder(Header).Append('\n');
        foreach (var (name, points) in series.OrderBy(s => s.Key, StringComparer.Ordinal))
            foreach (var p in points)
                csv.Append(Quote(name)).Append(',').Append(p.Step).Append(',')
                    .Append(p.Value.ToString("R", CultureInfo.InvariantCulture)).Append(',')
                    .Append(p.Time.ToString("yyyy-MM-ddTHH:mm:ss.fffZ", CultureInfo.InvariantCulture)).Append('\n');
        return csv.ToString();
    }

    /// <summary>The <c>{ "series": { name: [[step, value, unixMs], …] } }</c> body of <c>/metrics</c>.</summary>
    public static Dictionary<string, object[][]> Triples(IReadOnlyDictionary<string, List<MetricPoint>> series) =>
        series.ToDictionary(s => s.Key,
            s => s.Value.Select(p => new object[] { p.Step, p.Value, new DateTimeOffset(DateTime.SpecifyKind(p.Time, DateTimeKind.Utc)).ToUnixTimeMilliseconds() }).ToArray(),
            StringComparer.Ordinal);

    private static string Quote(string value) =>
        value.Contains(',') || value.Contains('"') || value.Contains('\n') ? $"\"{value.Replace("\"", "\"\"")}\"" : value;
}
