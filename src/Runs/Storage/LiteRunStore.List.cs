using System.Security.Cryptography;
using System.Text;
using LiteDB;
using Vinula.Shared.Runs;

namespace Vinula.Runs.Storage;

/// <summary>The run list's filters: each optional. <c>Tag</c> matches a whole tag, <c>Text</c> a part of the name,
/// id, kind, a tag or the notes; both ignore case.</summary>
public sealed record RunListFilter(string? Kind = null, RunStatus? Status = null, string? Tag = null, string? Text = null);

/// <summary>
/// The run list, paged by the database through its indexes: kind, status, lower-cased tags (multikey), lower-cased
/// name, created, duration, and one index per summary key that is sorted on (made on first use). Only the page's
/// documents are mapped; text search scans the small search texts (<see cref="RunSearchDocument"/>), never the runs.
/// </summary>
public sealed partial class LiteRunStore : IRunStore
{
    /// <summary>Summary keys given their own index; past this, a summary sort still works, sorting in memory.</summary>
    public const int MaxSummaryIndexes = 24;

    private const string SummaryIndexPrefix = "Summary_";

    /// <summary>The database's user version once every run has its derived list fields.</summary>
    private const int ListSchemaVersion = 2;

    private readonly HashSet<string> _summaryIndexes = new(StringComparer.Ordinal);

    private void EnsureListIndexes()
    {
        // The run list's filters and orders page in the database, not in memory.
        _runs.EnsureIndex(r => r.CreatedAt);
        _runs.EnsureIndex(r => r.Kind);
        _runs.EnsureIndex(r => r.Status);
        _runs.EnsureIndex(r => r.DurationSeconds);
        _runs.EnsureIndex("NameLower", "LOWER($.Name)");
        _runs.EnsureIndex("TagKeys", "$.TagKeys[*]");
        foreach (var index in _db.GetCollection("$indexes").Find("$.collection = 'runs'"))
            if (index["name"].AsString.StartsWith(SummaryIndexPrefix, StringComparison.Ordinal)) _summaryIndexes.Add(index["name"].AsString);
        // Runs stored before DurationSeconds, TagKeys and the search texts existed are written once, so the indexes and
        // the search hold them too.
        if (_db.UserVersion < ListSchemaVersion)
        {
            // In batches: one transaction a run took ~10 ms a run here; one for 10,000 would hold every page in memory.
            foreach (var batch in _runs.FindAll().Chunk(500))
                InTransaction(() =>
                {
                    foreach (var run in batch)
                    {
                        _runs.Update(run);
                        WriteSearchText(run);
                    }
                });
            _db.UserVersion = ListSchemaVersion;
        }
    }

    public (IReadOnlyList<RunDocument> Items, int Total) Page(RunListFilter filter, RunSort sort, int skip, int take)
    {
        skip = Math.Max(0, skip);
        var ids = string.IsNullOrWhiteSpace(filter.Text) ? null : MatchingIds(filter.Text);
        var total = Total(filter, ids);
        if (sort.Field is RunSortField.Duration or RunSortField.Summary)
            return (PageWithNullsLast(filter, ids, sort, skip, take, total), total);
        var query = Filtered(filter, ids);
        var ordered = sort.Field switch
        {
            RunSortField.Name => sort.Descending ? query.OrderByDescending("LOWER($.Name)") : query.OrderBy("LOWER($.Name)"),
            RunSortField.Status => sort.Descending ? query.OrderByDescending(r => r.Status) : query.OrderBy(r => r.Status),
            RunSortField.Kind => sort.Descending ? query.OrderByDescending(r => r.Kind) : query.OrderBy(r => r.Kind),
            _ => sort.Descending ? query.OrderByDescending(r => r.CreatedAt) : query.OrderBy(r => r.CreatedAt),
        };
        return ([.. ordered.Skip(skip).Limit(take).ToList()], total);
    }

    /// <summary>Runs with the key in its order, then those without it (live runs have no duration; a VAE has no
    /// student accuracy), newest first: two index ranges, the second read only when the page reaches it.</summary>
    private List<RunDocument> PageWithNullsLast(RunListFilter filter, BsonArray? ids, RunSort sort, int skip, int take, int total)
    {
        var key = sort.Field == RunSortField.Summary ? SummaryExpression(sort.SummaryKey!) : "$.DurationSeconds";
        if (sort.Field == RunSortField.Summary) EnsureSummaryIndex(sort.SummaryKey!);
        // Counted from the index alone: only the key is read.
        var withKey = Filtered(filter, ids).Where($"{key} >= @0", double.NegativeInfinity).Select(key).ToEnumerable().Count();
        var items = new List<RunDocument>(take);
        if (skip < withKey)
        {
            var query = Filtered(filter, ids).Where($"{key} >= @0", double.NegativeInfinity);
            items.AddRange((sort.Descending ? query.OrderByDescending(key) : query.OrderBy(key)).Skip(skip).Limit(take).ToList());
        }
        if (items.Count < take && total > withKey)
            items.AddRange(Filtered(filter, ids).Where($"{key} = null").OrderByDescending(r => r.CreatedAt)
                .Skip(Math.Max(0, skip - withKey)).Limit(take - items.Count).ToList());
        return items;
    }

    /// <summary>How the database answers a filter, newest first (LiteDB's plan, as JSON): tests check the index used.</summary>
    internal string Plan(RunListFilter filter) => Filtered(filter, null).OrderByDescending(r => r.CreatedAt).GetPlan().ToString();

    /// <summary>Totals by filter, kept until a run is added, deleted, or changes status, name, tags or notes: counting
    /// walks the whole index (~15 ms for 10,000 runs here), the same count for every page and every live reload.</summary>
    private readonly System.Collections.Concurrent.ConcurrentDictionary<RunListFilter, int> _totals = new();

    private int _totalsVersion;

    private void ForgetTotals()
    {
        Interlocked.Increment(ref _totalsVersion);
        _totals.Clear();
    }

    private int Total(RunListFilter filter, BsonArray? ids)
    {
        if (_totals.TryGetValue(filter, out var known)) return known;
        var version = Volatile.Read(ref _totalsVersion);
        var total = ids is not null && filter is { Kind: null, Status: null, Tag: null } ? ids.Count : Filtered(filter, ids).Count();
        // A write during the count may have changed it: such a total answers this page, and is not kept.
        if (Volatile.Read(ref _totalsVersion) == version) _totals[filter] = total;
        return total;
    }

    /// <summary>A fresh query each time: LiteDB's queryables collect conditions in place.</summary>
    private ILiteQueryable<RunDocument> Filtered(RunListFilter filter, BsonArray? ids)
    {
        var query = _runs.Query();
        if (!string.IsNullOrWhiteSpace(filter.Kind)) query = query.Where(r => r.Kind == filter.Kind);
        if (filter.Status is { } status) query = query.Where(r => r.Status == status);
        if (!string.IsNullOrWhiteSpace(filter.Tag)) query = query.Where("$.TagKeys[*] ANY = @0", filter.Tag.Trim().ToLowerInvariant());
        if (ids is not null) query = query.Where("$._id IN @0", ids);
        return query;
    }

    /// <summary>Summary keys hold dots (<c>student.test_accuracy</c>): only the bracket form reaches them.</summary>
    private static string SummaryExpression(string key) => $"$.Summary.['{key}']";

    /// <summary>The first sort on a key indexes it (one pass over the runs); later sorts read the index.</summary>
    private void EnsureSummaryIndex(string key)
    {
        var name = SummaryIndexPrefix + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(key)))[..16];
        lock (_summaryIndexes)
        {
            if (_summaryIndexes.Contains(name) || _summaryIndexes.Count >= MaxSummaryIndexes) return;
            _runs.EnsureIndex(name, SummaryExpression(key));
            _summaryIndexes.Add(name);
        }
    }
}
