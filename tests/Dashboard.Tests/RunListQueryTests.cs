using Vinula.Runs.Storage;
using Vinula.Shared.Runs;

namespace Vinula.Dashboard.Tests;

/// <summary>The run list's filters and sorts as the store answers them through its indexes.</summary>
public sealed class RunListQueryTests : IDisposable
{
    private readonly string _path = Path.Combine(Path.GetTempPath(), $"vinula-list-{Guid.NewGuid():N}.db");
    private readonly LiteRunStore _store;
    private static readonly DateTime Start = new(2026, 1, 1, 0, 0, 0, DateTimeKind.Utc);

    public RunListQueryTests() => _store = new LiteRunStore(_path);

    private void Add(string id, int minute, double? accuracy = null, double? seconds = null, string[]? tags = null, string? notes = null,
        RunStatus status = RunStatus.Completed)
    {
        var run = new RunDocument
        {
            Id = id, Name = id, Kind = "distill", CreatedAt = Start.AddMinutes(minute), Tags = [.. tags ?? []], Notes = notes,
            StartedAt = Start.AddMinutes(minute), FinishedAt = seconds is { } s ? Start.AddMinutes(minute).AddSeconds(s) : null,
        };
        if (accuracy is { } a) run.Summary["student.test_accuracy"] = a;
        run.SetStatus(status, run.CreatedAt);
        _store.Insert(run);
    }

    private string[] Ids(string sort, int skip = 0, int take = 50, RunListFilter? filter = null) =>
        [.. _store.Page(filter ?? new RunListFilter(), RunSort.Parse(sort)!, skip, take).Items.Select(r => r.Id)];

    [Fact]
    public void RunsWithoutTheSummaryKeyGoLastWhicheverTheDirection()
    {
        Add("low", 1, accuracy: 0.5);
        Add("none-old", 2);
        Add("high", 3, accuracy: 0.9);
        Add("none-new", 4);
        Add("mid", 5, accuracy: 0.7);

        Assert.Equal(["high", "mid", "low", "none-new", "none-old"], Ids("-summary.student.test_accuracy"));
        Assert.Equal(["low", "mid", "high", "none-new", "none-old"], Ids("summary.student.test_accuracy"));
        // Pages that straddle the two groups, and one inside the second.
        Assert.Equal(["low", "none-new"], Ids("-summary.student.test_accuracy", skip: 2, take: 2));
        Assert.Equal(["none-old"], Ids("summary.student.test_accuracy", skip: 4, take: 2));
        Assert.Equal(5, _store.Page(new RunListFilter(), RunSort.Parse("-summary.student.test_accuracy")!, 0, 2).Total);
    }

    [Fact]
    public void DurationSortsFinishedRunsByTheirLengthAndUnfinishedRunsLast()
    {
        Add("short", 1, seconds: 30);
        Add("live", 2, status: RunStatus.Running);
        Add("long", 3, seconds: 3600);
        Add("medium", 4, seconds: 600);

        Assert.Equal(["long", "medium", "short", "live"], Ids("-duration"));
        Assert.Equal(["short", "medium", "long", "live"], Ids("duration"));
    }

    [Fact]
    public void ATagFilterReadsTheTagIndexAndIgnoresCase()
    {
        Add("a", 1, tags: ["Baseline", "mnist"]);
        Add("b", 2, tags: ["student"]);
        Add("c", 3, tags: ["BASELINE"]);

        var page = _store.Page(new RunListFilter(Tag: "baseline"), RunSort.Default, 0, 50);

        Assert.Equal(["c", "a"], page.Items.Select(r => r.Id));
        Assert.Equal(2, page.Total);
        Assert.Contains("TagKeys", _store.Plan(new RunListFilter(Tag: "baseline")));
    }

    [Fact]
    public void TextMatchesNotesNamesAndTagsIgnoringCase()
    {
        Add("plain", 1);
        Add("noted", 2, notes: "The teacher OVERFITS after epoch 3.");
        Add("tagged", 3, tags: ["overfit-check"]);

        var page = _store.Page(new RunListFilter(Text: "overfit"), RunSort.Default, 0, 50);

        Assert.Equal(["tagged", "noted"], page.Items.Select(r => r.Id));
        Assert.Equal(2, page.Total);
    }

    [Fact]
    public void TotalsFollowEditsAndDeletes()
    {
        Add("plain", 1);
        Add("noted", 2, notes: "overfits");
        var search = new RunListFilter(Text: "overfit");
        Assert.Equal(1, _store.Page(search, RunSort.Default, 0, 50).Total);

        _store.Modify("plain", r => r.Notes = "also overfits");
        Assert.Equal(2, _store.Page(search, RunSort.Default, 0, 50).Total);

        _store.Delete("noted");
        Assert.Equal(["plain"], _store.Page(search, RunSort.Default, 0, 50).Items.Select(r => r.Id));
        Assert.Equal(1, _store.Page(new RunListFilter(), RunSort.Default, 0, 50).Total);
    }

    [Fact]
    public void RunsStoredBeforeTheListIndexesAreFoundAfterReopening()
    {
        _store.Dispose();
        // As an older version wrote it: no TagKeys, no DurationSeconds, no search text.
        using (var db = new LiteDB.LiteDatabase(_path))
        {
            db.UserVersion = 0; // as it was before this version of the store opened it
            db.GetCollection("runs").Insert(new LiteDB.BsonDocument
            {
                ["_id"] = "old", ["Name"] = "An Old Run", ["Kind"] = "vae", ["Status"] = "Completed", ["ConfigJson"] = "{}",
                ["Tags"] = new LiteDB.BsonArray(new LiteDB.BsonValue[] { "Legacy" }), ["Notes"] = "from last year",
                ["CreatedAt"] = Start, ["StartedAt"] = Start, ["FinishedAt"] = Start.AddSeconds(90),
            });
        }
        using var store = new LiteRunStore(_path);

        Assert.Equal(["old"], store.Page(new RunListFilter(Tag: "legacy"), RunSort.Default, 0, 50).Items.Select(r => r.Id));
        Assert.Equal(["old"], store.Page(new RunListFilter(Text: "last year"), RunSort.Default, 0, 50).Items.Select(r => r.Id));
        Assert.Equal(90, store.Page(new RunListFilter(), RunSort.Parse("-duration")!, 0, 50).Items.Single().DurationSeconds);
    }

    [Fact]
    public void EveryTagInUseIsListedOnceWhateverItsCase()
    {
        Add("a", 1, tags: ["MNIST", "week-3"]);
        Add("b", 2, tags: ["mnist"]);

        Assert.Equal(2, _store.AllTags().Count);
        Assert.Contains(_store.AllTags(), t => t.Equals("mnist", StringComparison.OrdinalIgnoreCase));

        _store.Modify("a", r => r.Tags = ["MNIST"]);
        _store.Delete("b");
        Assert.Equal(["MNIST"], _store.AllTags());
    }

    [Fact]
    public void NameSortIgnoresCase()
    {
        Add("b-run", 1);
        Add("A-run", 2);
        Add("c-run", 3);

        Assert.Equal(["A-run", "b-run", "c-run"], Ids("name"));
    }

    [Fact]
    public void UnknownSortKeysAreRefused()
    {
        Assert.Null(RunSort.Parse("colour"));
        Assert.Null(RunSort.Parse("summary.x'] OR 1=1"));
        Assert.Equal("-summary.test.mse", RunSort.Parse("-summary.test.mse")!.ToString());
        Assert.Equal(RunSortField.Duration, RunSort.Parse("-duration")!.Field);
    }

    public void Dispose()
    {
        _store.Dispose(); // a second time after the reopening test: LiteDB allows it
        foreach (var file in new[] { _path, Path.ChangeExtension(_path, null) + "-log.db" })
            if (File.Exists(file)) File.Delete(file);
    }
}
