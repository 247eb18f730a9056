using Npgsql;
using NpgsqlTypes;

namespace Vinula.Runs.Storage;

/// <summary>
/// The run list, paged by the database: kind, status, created, lower-cased name and duration have b-tree indexes, the
/// lower-cased tags a GIN index. Free text scans the search texts (notes are longer than an index key should be), as
/// the LiteDB store does. No totals are cached: another process may have changed them.
/// </summary>
public sealed partial class PostgresRunStore
{
    public (IReadOnlyList<RunDocument> Items, int Total) Page(RunListFilter filter, RunSort sort, int skip, int take)
    {
        using var connection = _source.OpenConnection();
        var (where, values) = Where(filter);
        int total;
        using (var count = new NpgsqlCommand($"SELECT count(*) FROM runs {where}", connection))
        {
            count.Parameters.AddRange(values());
            total = (int)(long)count.ExecuteScalar()!;
        }
        using var page = new NpgsqlCommand($"SELECT doc FROM runs {where} ORDER BY {OrderBy(sort)} OFFSET {Math.Max(0, skip)} LIMIT {Math.Max(0, take)}",
            connection);
        page.Parameters.AddRange(values());
        return (ReadRuns(page), total);
    }

    /// <summary>Every tag in use, each once whatever its case (the first spelling met), in case-insensitive order. Read
    /// from the documents' <c>tags</c> (<see cref="Vinula.Shared.VinulaJson"/> names properties in camel case): the
    /// tag_keys column has lost the spelling.</summary>
    public IReadOnlyList<string> AllTags()
    {
        using var command = _source.CreateCommand("SELECT DISTINCT tag FROM runs, jsonb_array_elements_text(doc -> 'tags') AS tag");
        var tags = new List<string>();
        using var reader = command.ExecuteReader();
        while (reader.Read()) tags.Add(reader.GetString(0));
        return [.. tags.Distinct(StringComparer.OrdinalIgnoreCase).Order(StringComparer.OrdinalIgnoreCase)];
    }

    /// <summary>The filter as SQL with positional parameters; the parameters are made afresh for each command that
    /// uses them (a parameter belongs to one command).</summary>
    private static (string Sql, Func<NpgsqlParameter[]> Values) Where(RunListFilter filter)
    {
        var conditions = new List<string>();
        var values = new List<(object Value, NpgsqlDbType Type)>();
        void Add(string condition, object value, NpgsqlDbType type)
        {
            values.Add((value, type));
            conditions.Add(condition.Replace("{}", "$" + values.Count));
        }
        if (!string.IsNullOrWhiteSpace(filter.Kind)) Add("kind = {}", filter.Kind, NpgsqlDbType.Text);
        if (filter.Status is { } status) Add("status = {}", status.ToString(), NpgsqlDbType.Text);
        if (!string.IsNullOrWhiteSpace(filter.Tag))
            Add("tag_keys @> {}", new[] { filter.Tag.Trim().ToLowerInvariant() }, NpgsqlDbType.Array | NpgsqlDbType.Text);
        // strpos, not LIKE: the user's text may hold % or _.
        if (!string.IsNullOrWhiteSpace(filter.Text)) Add("strpos(search_text, {}) > 0", filter.Text.Trim().ToLowerInvariant(), NpgsqlDbType.Text);
        var sql = conditions.Count == 0 ? "" : "WHERE " + string.Join(" AND ", conditions);
        return (sql, () => [.. values.Select(v => new NpgsqlParameter { Value = v.Value, NpgsqlDbType = v.Type })]);
    }

    /// <summary>Runs without a duration or the summary key go last whichever the direction, newest first, as in the
    /// LiteDB store.</summary>
    private static string OrderBy(RunSort sort)
    {
        var direction = sort.Descending ? "DESC" : "ASC";
        return sort.Field switch
        {
            RunSortField.Name => $"name_lower {direction}, id",
            RunSortField.Status => $"status {direction}, created_at DESC",
            RunSortField.Kind => $"kind {direction}, created_at DESC",
            RunSortField.Duration => $"duration_seconds {direction} NULLS LAST, created_at DESC",
            RunSortField.Summary => $"{SummaryValue(sort.SummaryKey!)} {direction} NULLS LAST, created_at DESC",
            _ => $"created_at {direction}, id {direction}",
        };
    }

    /// <summary>The key as a quoted literal: <see cref="RunSort.Parse"/> allows only the characters metric names use,
    /// and quotes are doubled besides. A value that is not a number (NaN is stored as the string "NaN") still casts.</summary>
    private static string SummaryValue(string key) => $"(summary ->> '{key.Replace("'", "''")}')::double precision";
}
