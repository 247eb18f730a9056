using Vinula.Shared.Runs;

namespace Vinula.Dashboard.Tests;

/// <summary>
/// What every <see cref="IRunStore"/> promises, run against each store (<see cref="LiteRunStoreContract"/>,
/// <see cref="PostgresRunStoreContract"/>): runs and their changes here, the run list in <c>.List</c>, metrics, logs,
/// files and corpora in <c>.Data</c>. Each test has a store of its own.
/// </summary>
public abstract partial class RunStoreContract : IDisposable
{
    private IRunStore? _store;

    /// <summary>A new store instance on this test's data: the first call creates it, a later one reopens it.</summary>
    protected abstract IRunStore Open();

    protected IRunStore Store => _store ??= Open();

    /// <summary>Closes the store and opens it again on the same data, as a restarted process would.</summary>
    protected IRunStore Reopen()
    {
        _store?.Dispose();
        return _store = Open();
    }

    protected static readonly DateTime Start = new(2026, 1, 1, 0, 0, 0, DateTimeKind.Utc);

    protected static RunDocument NewRun(string id, string kind = "distill", DateTime? created = null)
    {
        var run = new RunDocument { Id = id, Name = "r", Kind = kind, ConfigJson = """{"temperature":4}""", CreatedAt = created ?? Start };
        run.SetStatus(RunStatus.Queued, run.CreatedAt);
        return run;
    }

    [Fact]
    public void ARunReadBackEqualsTheRunStored()
    {
        var run = new RunDocument
        {
            Id = "a1", Name = "Teacher sweep", Kind = "distill", ConfigJson = """{"teacher":{"hidden":[64,32]},"alpha":0.5}""",
            Summary = { ["student.test_accuracy"] = 0.9731, ["teacher/train_loss"] = 1e-300, ["inf"] = double.PositiveInfinity },
            Tags = ["Baseline", "mnist"], Notes = "überfit? \"quotes\"", ProgressFraction = 0.25, ProgressStep = 10, ProgressTotalSteps = 40,
            EtaSeconds = 12.5, CreatedAt = Start.AddTicks(1234567), StartedAt = Start.AddSeconds(1), FinishedAt = Start.AddSeconds(61.5),
            Error = "boom", SlowMotionMs = 250, ResumeRequested = true,
        };
        run.SetStatus(RunStatus.Running, Start.AddSeconds(1), "started");
        run.SetStatus(RunStatus.Failed, Start.AddSeconds(61.5));
        Store.Insert(run);

        var back = Reopen().Get("a1")!;

        Assert.Equal((run.Id, run.Name, run.Kind, run.Status, run.ConfigJson), (back.Id, back.Name, back.Kind, back.Status, back.ConfigJson));
        Assert.Equal(run.Summary, back.Summary);
        Assert.Equal(run.Tags, back.Tags);
        Assert.Equal((run.Notes, run.Error, run.SlowMotionMs, run.ResumeRequested), (back.Notes, back.Error, back.SlowMotionMs, back.ResumeRequested));
        Assert.Equal(run.Progress, back.Progress);
        Assert.Equal((DateTimeKind.Utc, DateTimeKind.Utc, DateTimeKind.Utc), (back.CreatedAt.Kind, back.StartedAt!.Value.Kind, back.FinishedAt!.Value.Kind));
        // LiteDB keeps milliseconds; that is all a run's times need.
        Assert.Equal(run.CreatedAt, back.CreatedAt, TimeSpan.FromMilliseconds(1));
        Assert.Equal((run.StartedAt, run.FinishedAt), (back.StartedAt, back.FinishedAt));
        Assert.Equal(61.5 - 1, back.DurationSeconds);
        Assert.Equal(run.StatusHistory.Select(s => (s.Status, s.At, s.Reason)), back.StatusHistory.Select(s => (s.Status, s.At, s.Reason)));
    }

    [Fact]
    public void InsertingAnIdThatExistsIsRefused()
    {
        Store.Insert(NewRun("a1"));
        Assert.ThrowsAny<Exception>(() => Store.Insert(NewRun("a1")));
        Assert.Single(Store.All());
    }

    [Fact]
    public void ModifyWritesTheChangeAndReturnsTheRun()
    {
        Store.Insert(NewRun("a1"));

        var changed = Store.Modify("a1", r => r.SetStatus(RunStatus.Running, Start.AddSeconds(1)));

        Assert.Equal(RunStatus.Running, changed!.Status);
        Assert.Equal(RunStatus.Running, Store.Get("a1")!.Status);
        Assert.Equal([RunStatus.Queued, RunStatus.Running], Store.Get("a1")!.StatusHistory.Select(s => s.Status));
        Assert.Equal(["a1"], Store.WithStatus(RunStatus.Running).Select(r => r.Id));
        Assert.Empty(Store.WithStatus(RunStatus.Queued));
        Assert.Null(Store.Modify("missing", r => r.Name = "x"));
        Assert.False(Store.Exists("missing"));
        Assert.True(Store.Exists("a1"));
    }

    [Fact]
    public void ATryModifyThatDeclinesLeavesTheRunAsItWas()
    {
        Store.Insert(NewRun("a1"));

        var result = Store.TryModify("a1", r =>
        {
            r.Name = "changed before declining";
            return r.Status == RunStatus.Running;
        });

        Assert.Null(result);
        Assert.Equal("r", Store.Get("a1")!.Name);
        Assert.Null(Store.TryModify("missing", _ => true));
        // The declined change held no lock: the next one goes through.
        Assert.Equal("next", Store.TryModify("a1", r => (r.Name = "next") is not null)!.Name);
    }

    [Fact]
    public void ConcurrentModifiesNeverLoseAnUpdate()
    {
        Store.Insert(NewRun("a1"));

        Parallel.For(0, 8, new ParallelOptions { MaxDegreeOfParallelism = 8 }, _ =>
        {
            for (var i = 0; i < 25; i++)
                Store.Modify("a1", r => r.Summary["count"] = r.Summary.GetValueOrDefault("count") + 1);
        });

        Assert.Equal(200, Store.Get("a1")!.Summary["count"]);
    }

    [Fact]
    public void AllListsEveryRun()
    {
        Store.Insert(NewRun("a1"));
        Store.Insert(NewRun("a2", created: Start.AddMinutes(1)));

        Assert.Equal(["a1", "a2"], Store.All().Select(r => r.Id).Order());
    }

    public virtual void Dispose()
    {
        _store?.Dispose();
        GC.SuppressFinalize(this);
    }
}
