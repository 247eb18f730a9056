using LiteDB;

namespace Vinula.Runs.Storage;

/// <summary>What the run list's free text is searched in, for one run (<see cref="RunSearchText"/>), in a small
/// document of its own; and its tags as written, for the tag filter's list.</summary>
public sealed class RunSearchDocument
{
    [BsonId] public string Id { get; set; } = "";
    public string Text { get; set; } = "";
    public List<string> Tags { get; set; } = [];
}

/// <summary>
/// Text search without an index (notes are longer than an index key may be): a scan, but of the <c>runsearch</c>
/// collection, a few hundred bytes a run, instead of the runs themselves with their configs and histories (measured
/// with <c>tests/Benchmarks runs-list</c>: the scan over 10,000 runs was ~0.45–0.8 s in process). Kept in step with
/// every write of a run's name, tags or notes in the same transaction.
/// </summary>
public sealed partial class LiteRunStore : IRunStore
{
    private ILiteCollection<RunSearchDocument> Searchable => _db.GetCollection<RunSearchDocument>("runsearch");

    /// <summary>What the search document holds, to tell whether a write changed it (a tag's case is not in the text).</summary>
    private static string SearchState(RunDocument run) =>
        RunSearchText.Of(run) + RunSearchText.FieldSeparator + string.Join(RunSearchText.FieldSeparator, run.Tags);

    private void WriteSearchText(RunDocument run) =>
        Searchable.Upsert(new RunSearchDocument { Id = run.Id, Text = RunSearchText.Of(run), Tags = [.. run.Tags] });

    /// <summary>Every tag in use, each once whatever its case, read from the search documents (a few hundred bytes a
    /// run), not the runs: the Runs page asks again after every retag.</summary>
    public IReadOnlyList<string> AllTags() =>
        [.. Searchable.FindAll().SelectMany(d => d.Tags).Distinct(StringComparer.OrdinalIgnoreCase).Order(StringComparer.OrdinalIgnoreCase)];

    /// <summary>The ids of the runs whose text holds <paramref name="text"/>, ignoring case.</summary>
    private BsonArray MatchingIds(string text) =>
        [.. Searchable.Query().Where("INDEXOF($.Text, @0) >= 0", text.Trim().ToLowerInvariant()).Select("$._id").ToEnumerable().Select(d => d["_id"])];

    /// <summary>Runs a write and its search text's update as one transaction.</summary>
    private void InTransaction(Action write)
    {
        _db.BeginTrans();
        try
        {
            write();
            _db.Commit();
        }
        catch
        {
            _db.Rollback();
            throw;
        }
    }
}
