using Vinula.Runs.Storage;
using Vinula.Shared.Events;
using Vinula.Shared.Runs;

namespace Vinula.Dashboard.Tests;

public sealed class RunStoreTests : IDisposable
{
    private readonly string _path = Path.Combine(Path.GetTempPath(), $"vinula-store-{Guid.NewGuid():N}.db");

    private static RunDocument NewRun(string id)
    {
        var run = new RunDocument { Id = id, Name = "r", Kind = "distill", ConfigJson = """{"temperature":4}""", CreatedAt = DateTime.UtcNow };
        run.SetStatus(RunStatus.Queued, DateTime.UtcNow);
        return run;
    }

    [Theory]
    [InlineData(null, null, "-createdAt")]
    [InlineData("gan", null, "createdAt")]
    [InlineData(null, RunStatus.Completed, "name")]
    [InlineData("vae", RunStatus.Failed, "-name")]
    [InlineData(null, null, "status")]
    [InlineData(null, null, "-kind")]
    public void APageFromTheDatabaseEqualsFilteringAndSortingEveryRunInMemory(string? kind, RunStatus? status, string sort)
    {
        using var store = new LiteRunStore(_path);
        var kinds = new[] { "gan", "vae", "distill" };
        var statuses = new[] { RunStatus.Completed, RunStatus.Failed, RunStatus.Queued, RunStatus.Paused };
        var start = new DateTime(2026, 1, 1, 0, 0, 0, DateTimeKind.Utc);
        for (var i = 0; i < 120; i++)
        {
            // Names and times unique (37 and 7 are prime to 120); kinds and statuses repeat.
            var run = new RunDocument { Id = $"r{i:000}", Name = $"run {i * 37 % 120:000}", Kind = kinds[i % 3], CreatedAt = start.AddMinutes(i * 7 % 120) };
            run.SetStatus(statuses[i / 3 % 4], run.CreatedAt);
            store.Insert(run);
        }

        var (page, total) = store.Page(new RunListFilter(kind, status), RunSort.Parse(sort)!, skip: 3, take: 7);

        var expected = SortInMemory(
            store.All().Where(r => (kind is null || r.Kind == kind) && (status is null || r.Status == status)), sort).ToList();
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
        Func<RunDocument, IComparable> selector = sort.TrimStart('-') switch
        {
            "name" => r => r.Name.ToLowerInvariant(),
            "status" => r => r.Status.ToString(),
            "kind" => r => r.Kind,
            _ => r => r.CreatedAt,
        };
        return descending ? runs.OrderByDescending(selector) : runs.OrderBy(selector);
    }

    [Fact]
    public void EverythingARunStoresSurvivesReopeningTheFile()
    {
        var time = new DateTime(2026, 1, 2, 3, 4, 5, DateTimeKind.Utc);
        using (var store = new LiteRunStore(_path))
        {
            var run = NewRun("a1");
            run.Summary["teacher.test_accuracy"] = 0.97;
            store.Insert(run);
            store.AppendMetrics("a1", [new MetricPoint("teacher/train_loss", 5, 0.5, time), new MetricPoint("teacher/train_loss", 10, 0.25, time)]);
            store.AppendLog("a1", new RunLogLine(time, "hello"));
            store.SaveArtifact("a1", new ArtifactInfo("grid.png", "image/png", 10, "samples"), [1, 2, 3]);
            store.SaveCheckpoint("a1", "teacher", [9, 9]);
            store.SaveCheckpoint("a1", "teacher", [7, 7, 7]); // replaced, not added
        }

        using (var store = new LiteRunStore(_path))
        {
            var run = store.Get("a1")!;
            Assert.Equal(0.97, run.Summary["teacher.test_accuracy"]);
            Assert.Equal(DateTimeKind.Utc, run.CreatedAt.Kind);
            var points = store.Metrics("a1")["teacher/train_loss"];
            Assert.Equal([5L, 10L], points.Select(p => p.Step));
            Assert.Equal(time, points[0].Time);
            Assert.Equal("hello", Assert.Single(store.Logs("a1")).Message);
            var artifact = store.LoadArtifact("a1", "grid.png")!.Value;
            Assert.Equal(("image/png", 10L, "samples"), (artifact.Info.ContentType, artifact.Info.Step, artifact.Info.Group));
            Assert.Equal(new byte[] { 1, 2, 3 }, artifact.Content);
            Assert.Equal(new byte[] { 7, 7, 7 }, store.LoadCheckpoint("a1", "teacher"));
            Assert.True(store.HasCheckpoint("a1"));
        }
    }

    [Fact]
    public void DeletingARunRemovesItsMetricsFilesAndLogsButNoOtherRuns()
    {
        using var store = new LiteRunStore(_path);
        foreach (var id in new[] { "a1", "a10" })
        {
            store.Insert(NewRun(id));
            store.AppendMetrics(id, [new MetricPoint("x", 1, 1, DateTime.UtcNow)]);
            store.SaveArtifact(id, new ArtifactInfo("f.json", "application/json", 1, null), [1]);
        }

        store.Delete("a1");

        Assert.Null(store.Get("a1"));
        Assert.Empty(store.Metrics("a1"));
        Assert.Empty(store.ListArtifacts("a1"));
        Assert.NotNull(store.Get("a10"));
        Assert.Single(store.ListArtifacts("a10"));
    }

    [Fact]
    public void RewindingDropsOnlyPointsAfterTheStep()
    {
        using var store = new LiteRunStore(_path);
        store.Insert(NewRun("a1"));
        store.AppendMetrics("a1", [.. Enumerable.Range(1, 10).Select(i => new MetricPoint("s", i, i, DateTime.UtcNow))]);
        Assert.Equal(4, store.DeleteMetricsAfter("a1", 6));
        Assert.Equal(6, store.Metrics("a1")["s"].Count);
    }

    [Fact]
    public void AFileThatIsNotADatabaseGivesAnErrorNamingIt()
    {
        File.WriteAllText(_path, string.Concat(Enumerable.Repeat("this is not a LiteDB file. ", 2000)));
        var e = Assert.Throws<StorageUnavailableException>(() => new LiteRunStore(_path));
        Assert.Contains(_path, e.Message);
    }

    public void Dispose()
    {
        if (File.Exists(_path)) File.Delete(_path);
    }
}
