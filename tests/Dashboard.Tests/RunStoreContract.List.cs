using Vinula.Shared.Runs;

namespace Vinula.Dashboard.Tests;

/// <summary>The run list's filters, sorts and totals as the store answers them.</summary>
public abstract partial class RunStoreContract
{
    private void Add(string id, int minute, double? accuracy = null, double? seconds = null, string[]? tags = null, string? notes = null,
        RunStatus status = RunStatus.Completed, string kind = "distill")
    {
        var run = new RunDocument
        {
            Id = id, Name = id, Kind = kind, CreatedAt = Start.AddMinutes(minute), Tags = [.. tags ?? []], Notes = notes,
            StartedAt = Start.AddMinutes(minute), FinishedAt = seconds is { } s ? Start.AddMinutes(minute).AddSeconds(s) : null,
        };
        if (accuracy is { } a) run.Summary["student.test_accuracy"] = a;
        run.SetStatus(status, run.CreatedAt);
        Store.Insert(run);
    }

    private string[] Ids(string sort, int skip = 0, int take = 50, RunListFilter? filter = null) =>
        [.. Store.Page(filter ?? new RunListFilter(), RunSort.Parse(sort)!, skip, take).Items.Select(r => r.Id)];

    [Theory]
    [InlineData(null, null, "-createdAt")]
    [InlineData("gan", null, "createdAt")]
    [InlineData(null, RunStatus.Completed, "name")]
    [InlineData("vae", RunStatus.Failed, "-name")]
    [InlineData(null, null, "status")]
    [InlineData(null, null, "-kind")]
    public void APageFromTheDatabaseEqualsFilteringAndSortingEveryRunInMemory(string? kind, RunStatus? status, string sort)
    {
        var kinds = new[] { "gan", "vae", "distill" };
        var statuses = new[] { RunStatus.Completed, RunStatus.Failed, RunStatus.Queued, RunStatus.Paused };
        for (var i = 0; i < 120; i++)
        {
            // Names and times unique (37 and 7 are prime to 120); kinds and statuses repeat.
            var run = new RunDocument { Id = $"r{i:000}", Name = $"run {i * 37 % 120:000}", Kind = kinds[i % 3], CreatedAt = Start.AddMinutes(i * 7 % 120) };
            run.SetStatus(statuses[i / 3 % 4], run.CreatedAt);
            Store.Insert(run);
        }

        var (page, total) = Store.Page(new RunListFilter(kind, status), RunSort.Parse(sort)!, skip: 3, take: 7);

        var expected = SortInMemory(
            Store.All().Where(r => (kind is null || r.Kind == kind) && (status is null || r.Status == status)), sort).ToList();
        Assert.Equal(expected.Count, total);
        Assert.True(total > 7);
        // Kind and status repeat, and the order among equals is not defined: compare what the sort orders by.
        Func<RunDocument, string> key = sort.TrimStart('-') switch
        {
            "kind" => r => r.Kind,
            "status" => r => r.Status.ToString(),
            _ => r => r.Id,
        };
        Assert.Equal(expected.Skip(3).Take(7).Select(key), page.Select(key));
    }

    /// <summary>The order the database must give, written the obvious way.</summary>
    private static IEnumerable<RunDocument> SortInMemory(IEnumerable<RunDocument> runs, string sort)
    {
        var descending = sort.StartsWith('-');
        Func<RunDocument, string> selector = sort.TrimStart('-') switch
        {
            "name" => r => r.Name.ToLowerInvariant(),
            "status" => r => r.Status.ToString(),
            "kind" => r => r.Kind,
            _ => r => r.CreatedAt.ToString("O"),
        };
        return descending ? runs.OrderByDescending(selector, StringComparer.Ordinal) : runs.OrderBy(selector, StringComparer.Ordinal);
    }

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
        Assert.Equal(5, Store.Page(new RunListFilter(), RunSort.Parse("-summary.student.test_accuracy")!, 0, 2).Total);
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
    public void KindAndStatusFiltersCombine()
    {
        Add("gan-done", 1, kind: "gan");
        Add("gan-failed", 2, kind: "gan", status: RunStatus.Failed);
        Add("vae-failed", 3, kind: "vae", status: RunStatus.Failed);

        Assert.Equal(["gan-failed", "gan-done"], Ids("-createdAt", filter: new RunListFilter(Kind: "gan")));
        Assert.Equal(["vae-failed", "gan-failed"], Ids("-createdAt", filter: new RunListFilter(Status: RunStatus.Failed)));
        Assert.Equal(["gan-failed"], Ids("-createdAt", filter: new RunListFilter("gan", RunStatus.Failed)));
        Assert.Equal(0, Store.Page(new RunListFilter(Kind: "mlm"), RunSort.Default, 0, 50).Total);
    }

    [Fact]
    public void ATagFilterIgnoresCase()
    {
        Add("a", 1, tags: ["Baseline", "mnist"]);
        Add("b", 2, tags: ["student"]);
        Add("c", 3, tags: ["BASELINE"]);

        var page = Store.Page(new RunListFilter(Tag: "baseline"), RunSort.Default, 0, 50);

        Assert.Equal(["c", "a"], page.Items.Select(r => r.Id));
        Assert.Equal(2, page.Total);
    }

    [Fact]
    public void TextMatchesNotesNamesAndTagsIgnoringCase()
    {
        Add("plain", 1);
        Add("noted", 2, notes: "The teacher OVERFITS after epoch 3.");
        Add("tagged", 3, tags: ["overfit-check"]);

        var page = Store.Page(new RunListFilter(Text: "overfit"), RunSort.Default, 0, 50);

        Assert.Equal(["tagged", "noted"], page.Items.Select(r => r.Id));
        Assert.Equal(2, page.Total);
    }

    [Fact]
    public void TextIsMatchedLiterallyNotAsAPattern()
    {
        Add("percent", 1, notes: "dropped 5% of the labels");
        Add("other", 2, notes: "dropped 5 of the labels");

        Assert.Equal(["percent"], Ids("-createdAt", filter: new RunListFilter(Text: "5%")));
        Assert.Empty(Ids("-createdAt", filter: new RunListFilter(Text: "d_opped")));
    }

    [Fact]
    public void TotalsFollowEditsAndDeletes()
    {
        Add("plain", 1);
        Add("noted", 2, notes: "overfits");
        var search = new RunListFilter(Text: "overfit");
        Assert.Equal(1, Store.Page(search, RunSort.Default, 0, 50).Total);

        Store.Modify("plain", r => r.Notes = "also overfits");
        Assert.Equal(2, Store.Page(search, RunSort.Default, 0, 50).Total);

        Store.Delete("noted");
        Assert.Equal(["plain"], Store.Page(search, RunSort.Default, 0, 50).Items.Select(r => r.Id));
        Assert.Equal(1, Store.Page(new RunListFilter(), RunSort.Default, 0, 50).Total);
    }

    [Fact]
    public void EveryTagInUseIsListedOnceWhateverItsCase()
    {
        Add("a", 1, tags: ["MNIST", "week-3"]);
        Add("b", 2, tags: ["mnist"]);

        Assert.Equal(2, Store.AllTags().Count);
        Assert.Contains(Store.AllTags(), t => t.Equals("mnist", StringComparison.OrdinalIgnoreCase));

        Store.Modify("a", r => r.Tags = ["MNIST"]);
        Store.Delete("b");
        Assert.Equal(["MNIST"], Store.AllTags());
    }

    [Fact]
    public void NameSortIgnoresCase()
    {
        Add("b-run", 1);
        Add("A-run", 2);
        Add("c-run", 3);

        Assert.Equal(["A-run", "b-run", "c-run"], Ids("name"));
        Assert.Equal(["c-run", "b-run", "A-run"], Ids("-name"));
    }
}
