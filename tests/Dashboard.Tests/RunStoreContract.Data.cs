using Vinula.Shared.Events;
using Vinula.Shared.Runs;

namespace Vinula.Dashboard.Tests;

/// <summary>Metrics, logs, artifacts, checkpoints, corpora, and deleting a run with all of them.</summary>
public abstract partial class RunStoreContract
{
    private static MetricPoint Point(string series, long step, double value) => new(series, step, value, Start.AddSeconds(step));

    [Fact]
    public void EverythingARunStoresSurvivesReopening()
    {
        var time = new DateTime(2026, 1, 2, 3, 4, 5, DateTimeKind.Utc);
        var run = NewRun("a1");
        run.Summary["teacher.test_accuracy"] = 0.97;
        Store.Insert(run);
        Store.AppendMetrics("a1", [new MetricPoint("teacher/train_loss", 5, 0.5, time), new MetricPoint("teacher/train_loss", 10, 0.25, time)]);
        Store.AppendLog("a1", new RunLogLine(time, "hello"));
        Store.SaveArtifact("a1", new ArtifactInfo("grid.png", "image/png", 10, "samples"), [1, 2, 3]);
        Store.SaveCheckpoint("a1", "teacher", [9, 9]);
        Store.SaveCheckpoint("a1", "teacher", [7, 7, 7]); // replaced, not added

        var store = Reopen();

        Assert.Equal(0.97, store.Get("a1")!.Summary["teacher.test_accuracy"]);
        Assert.Equal(DateTimeKind.Utc, store.Get("a1")!.CreatedAt.Kind);
        var points = store.Metrics("a1")["teacher/train_loss"];
        Assert.Equal([5L, 10L], points.Select(p => p.Step));
        Assert.Equal((time, DateTimeKind.Utc), (points[0].Time, points[0].Time.Kind));
        var line = Assert.Single(store.Logs("a1"));
        Assert.Equal(("hello", time, DateTimeKind.Utc), (line.Message, line.Time, line.Time.Kind));
        var artifact = store.LoadArtifact("a1", "grid.png")!.Value;
        Assert.Equal(("image/png", 10L, "samples"), (artifact.Info.ContentType, artifact.Info.Step, artifact.Info.Group));
        Assert.Equal(new byte[] { 1, 2, 3 }, artifact.Content);
        Assert.Equal(new byte[] { 7, 7, 7 }, store.LoadCheckpoint("a1", "teacher"));
        Assert.True(store.HasCheckpoint("a1"));
    }

    [Fact]
    public void MetricsComeBySeriesInStepOrderWithAResumedRunsRepeatsInTheOrderWritten()
    {
        Store.Insert(NewRun("a1"));
        Store.AppendMetrics("a1", [Point("loss", 1, 0.9), Point("acc", 1, 0.1), Point("loss", 2, 0.8), Point("loss", 3, 0.7)]);
        // Resumed from the checkpoint at step 2: step 3 is trained again, then 4.
        Store.AppendMetrics("a1", [Point("loss", 3, 0.65), Point("loss", 4, 0.6), Point("acc", 4, 0.4)]);
        Store.AppendMetrics("a1", []);

        var metrics = Store.Metrics("a1");

        Assert.Equal(["acc", "loss"], metrics.Keys.Order(StringComparer.Ordinal));
        Assert.Equal([(1L, 0.9), (2L, 0.8), (3L, 0.7), (3L, 0.65), (4L, 0.6)], metrics["loss"].Select(p => (p.Step, p.Value)));
        Assert.Equal([1L, 4L], metrics["acc"].Select(p => p.Step));
        Assert.Empty(Store.Metrics("other"));
    }

    [Fact]
    public void RewindingDropsOnlyPointsAfterTheStepOfThatRun()
    {
        Store.Insert(NewRun("a1"));
        Store.Insert(NewRun("a2"));
        Store.AppendMetrics("a1", [.. Enumerable.Range(1, 10).Select(i => Point("s", i, i))]);
        Store.AppendMetrics("a2", [.. Enumerable.Range(1, 10).Select(i => Point("s", i, i))]);

        Assert.Equal(4, Store.DeleteMetricsAfter("a1", 6));
        Assert.Equal(0, Store.DeleteMetricsAfter("a1", 6));

        Assert.Equal(Enumerable.Range(1, 6).Select(i => (long)i), Store.Metrics("a1")["s"].Select(p => p.Step));
        Assert.Equal(10, Store.Metrics("a2")["s"].Count);
    }

    [Fact]
    public void LogsComeInTimeOrder()
    {
        Store.Insert(NewRun("a1"));
        Store.AppendLog("a1", new RunLogLine(Start.AddSeconds(2), "second"));
        Store.AppendLog("a1", new RunLogLine(Start.AddSeconds(1), "first"));
        Store.AppendLog("a1", new RunLogLine(Start.AddSeconds(3), "third"));

        Assert.Equal(["first", "second", "third"], Store.Logs("a1").Select(l => l.Message));
        Assert.Empty(Store.Logs("other"));
    }

    [Fact]
    public void ArtifactsAreListedByStepThenNameAndASaveReplaces()
    {
        Store.Insert(NewRun("a1"));
        Store.SaveArtifact("a1", new ArtifactInfo("b.png", "image/png", 20, "samples"), [1]);
        Store.SaveArtifact("a1", new ArtifactInfo("a.png", "image/png", 20, null), [2]);
        Store.SaveArtifact("a1", new ArtifactInfo("Z.json", "application/json", 10, null), [3]);
        Store.SaveArtifact("a1", new ArtifactInfo("b.png", "image/png", 30, "grids"), [4, 4]);

        Assert.Equal([("Z.json", 10L), ("a.png", 20L), ("b.png", 30L)], Store.ListArtifacts("a1").Select(a => (a.Name, a.Step)));
        var replaced = Store.LoadArtifact("a1", "b.png")!.Value;
        Assert.Equal(new ArtifactInfo("b.png", "image/png", 30, "grids"), replaced.Info);
        Assert.Equal(new byte[] { 4, 4 }, replaced.Content);
        Assert.Null(Store.LoadArtifact("a1", "missing.png"));
        Assert.Empty(Store.ListArtifacts("other"));
    }

    [Fact]
    public void CheckpointsAreNamedInOrdinalOrderAndASaveReplaces()
    {
        Store.Insert(NewRun("a1"));
        Assert.False(Store.HasCheckpoint("a1"));
        Store.SaveCheckpoint("a1", "teacher", [1]);
        Store.SaveCheckpoint("a1", "Student", [2]);
        Store.SaveCheckpoint("a1", "baseline", [3]);
        Store.SaveCheckpoint("a1", "teacher", [5, 5]);

        Assert.Equal(["Student", "baseline", "teacher"], Store.CheckpointNames("a1"));
        Assert.Equal(new byte[] { 5, 5 }, Store.LoadCheckpoint("a1", "teacher"));
        Assert.True(Store.HasCheckpoint("a1"));
        Assert.True(Store.HasCheckpoint("a1", "baseline"));
        Assert.False(Store.HasCheckpoint("a1", "generator"));
        Assert.Null(Store.LoadCheckpoint("a1", "generator"));
        // An artifact is not a checkpoint.
        Store.SaveArtifact("a2", new ArtifactInfo("teacher", "application/octet-stream", 1, null), [1]);
        Assert.False(Store.HasCheckpoint("a2"));
        Assert.Empty(Store.CheckpointNames("a2"));
    }

    [Fact]
    public void CorporaKeepTheirIdNameAndBytes()
    {
        var uploaded = Store.SaveCorpus("brown sample.txt", [1, 2, 3, 4]);
        Store.SaveCorpus(new CorpusInfo("c0123456789ab", "copied.txt", 0), [9]);

        Assert.Matches("^c[0-9a-f]{12}$", uploaded.Id);
        Assert.Equal(new CorpusInfo(uploaded.Id, "brown sample.txt", 4), uploaded);
        Assert.Equal([uploaded, new CorpusInfo("c0123456789ab", "copied.txt", 1)], Store.ListCorpora().OrderBy(c => c.Name));
        Assert.Equal(new byte[] { 1, 2, 3, 4 }, Store.LoadCorpus(uploaded.Id));
        Assert.Equal("copied.txt", Store.CorpusName("c0123456789ab"));
        Assert.Null(Store.CorpusName("cmissing"));
        Assert.Null(Store.LoadCorpus("cmissing"));
    }

    [Fact]
    public void DeletingARunRemovesEverythingItStoredButNothingOfAnotherRun()
    {
        // "a1" is a prefix of "a10": nothing of a10 may go with a1.
        foreach (var id in new[] { "a1", "a10" })
        {
            var run = NewRun(id);
            run.Tags = [$"tag-{id}"];
            Store.Insert(run);
            Store.AppendMetrics(id, [Point("x", 1, 1)]);
            Store.AppendLog(id, new RunLogLine(Start, "log"));
            Store.SaveArtifact(id, new ArtifactInfo("f.json", "application/json", 1, null), [1]);
            Store.SaveCheckpoint(id, "teacher", [1]);
        }
        var corpus = Store.SaveCorpus("c.txt", [1]);

        Store.Delete("a1");

        Assert.Null(Store.Get("a1"));
        Assert.Empty(Store.Metrics("a1"));
        Assert.Empty(Store.Logs("a1"));
        Assert.Empty(Store.ListArtifacts("a1"));
        Assert.False(Store.HasCheckpoint("a1"));
        Assert.Equal(["tag-a10"], Store.AllTags());
        Assert.Empty(Store.Page(new RunListFilter(Tag: "tag-a1"), RunSort.Default, 0, 50).Items);
        Assert.NotNull(Store.Get("a10"));
        Assert.Single(Store.Metrics("a10")["x"]);
        Assert.Single(Store.Logs("a10"));
        Assert.Single(Store.ListArtifacts("a10"));
        Assert.True(Store.HasCheckpoint("a10", "teacher"));
        Assert.Equal([corpus], Store.ListCorpora());
        Store.Delete("missing"); // nothing to do, no error
    }
}
