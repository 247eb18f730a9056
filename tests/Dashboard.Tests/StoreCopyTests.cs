using Vinula.Shared.Events;
using Vinula.Shared.Runs;

namespace Vinula.Dashboard.Tests;

/// <summary>Copying a LiteDB store into PostgreSQL: everything arrives as it was, and a second copy skips what is there.</summary>
public sealed class StoreCopyTests : IDisposable
{
    private readonly string _path = Path.Combine(Path.GetTempPath(), $"vinula-copy-{Guid.NewGuid():N}.db");
    private PostgresTestSchema? _schema;
    private static readonly DateTime Start = new(2026, 1, 1, 0, 0, 0, DateTimeKind.Utc);

    [Fact]
    public void ACopyHoldsEveryRunWithItsDataAndEveryCorpusAndASecondCopySkipsThem()
    {
        using var from = new LiteRunStore(_path);
        var corpus = from.SaveCorpus("sentences.txt", [1, 2, 3]);
        foreach (var (id, status) in new[] { ("a1", RunStatus.Completed), ("a2", RunStatus.Interrupted) })
        {
            var run = new RunDocument
            {
                Id = id, Name = $"run {id}", Kind = "distill", ConfigJson = $$"""{"corpus":"{{corpus.Id}}"}""", CreatedAt = Start,
                Tags = ["Copied"], Notes = "n", StartedAt = Start, FinishedAt = Start.AddSeconds(5),
            };
            run.Summary["student.test_accuracy"] = 0.91;
            run.SetStatus(status, Start.AddSeconds(5), "why");
            from.Insert(run);
            // A resumed run's repeat of step 2 stays after the first one.
            from.AppendMetrics(id, [Point("loss", 1, 0.9), Point("acc", 1, 0.1), Point("loss", 2, 0.8)]);
            from.AppendMetrics(id, [Point("loss", 2, 0.75), Point("loss", 3, 0.7)]);
            from.AppendLog(id, new RunLogLine(Start, "first"));
            from.AppendLog(id, new RunLogLine(Start.AddSeconds(1), "second"));
            from.SaveArtifact(id, new ArtifactInfo("grid.png", "image/png", 3, "samples"), [4, 5]);
            from.SaveCheckpoint(id, "student", [6, 7, 8]);
        }
        _schema = new PostgresTestSchema();
        using var to = new PostgresRunStore(_schema.ConnectionString);
        var messages = new List<string>();

        var copied = StoreCopy.Copy(from, to, messages.Add);

        Assert.Equal(new StoreCopyResult(Runs: 2, RunsSkipped: 0, Corpora: 1, CorporaSkipped: 0, MetricPoints: 10, LogLines: 4,
            Artifacts: 2, Checkpoints: 2), copied);
        Assert.Equal(3, messages.Count);
        Assert.Equal([corpus], to.ListCorpora());
        Assert.Equal(new byte[] { 1, 2, 3 }, to.LoadCorpus(corpus.Id));
        foreach (var id in new[] { "a1", "a2" })
        {
            Assert.Equal(Describe(from.Get(id)!), Describe(to.Get(id)!));
            Assert.Equal(Points(from, id), Points(to, id));
            Assert.Equal(from.Logs(id), to.Logs(id));
            Assert.Equal(from.ListArtifacts(id), to.ListArtifacts(id));
            Assert.Equal(new byte[] { 4, 5 }, to.LoadArtifact(id, "grid.png")!.Value.Content);
            Assert.Equal(["student"], to.CheckpointNames(id));
            Assert.Equal(new byte[] { 6, 7, 8 }, to.LoadCheckpoint(id, "student"));
        }
        Assert.Equal(RunStatus.Interrupted, to.Get("a2")!.Status);

        var again = StoreCopy.Copy(from, to);

        Assert.Equal(new StoreCopyResult(0, 2, 0, 1, 0, 0, 0, 0), again);
        Assert.Equal(5, to.Metrics("a1").Values.Sum(p => p.Count));
    }

    private static MetricPoint Point(string series, long step, double value) => new(series, step, value, Start.AddSeconds(step));

    private static string[] Points(IRunStore store, string id) =>
        [.. store.Metrics(id).OrderBy(s => s.Key, StringComparer.Ordinal).SelectMany(s => s.Value).Select(p => p.ToString())];

    /// <summary>The run as the API shows it, as JSON: every stored field but the derived ones.</summary>
    private static string Describe(RunDocument run) =>
        System.Text.Json.JsonSerializer.Serialize(RunDocument.ToDto(run), Vinula.Shared.VinulaJson.Options);

    [Fact]
    public async Task TheWorkersCopyCommandCopiesALiteDbFileIntoTheTeamsDatabase()
    {
        using (var from = new LiteRunStore(_path))
        {
            var run = new RunDocument { Id = "cli", Name = "from the command", Kind = "vae", CreatedAt = Start };
            run.SetStatus(RunStatus.Completed, Start);
            from.Insert(run);
            from.AppendMetrics("cli", [Point("elbo", 1, -180)]);
        }
        _schema = new PostgresTestSchema();

        await using var copy = AppProcess.StartWorker(new Dictionary<string, string> { ["Deployment__PostgreSql"] = _schema.ConnectionString },
            "copy-litedb", _path);

        Assert.True(await copy.WaitForExitAsync(TimeSpan.FromSeconds(60)), copy.Output);
        Assert.Equal(0, copy.ExitCode);
        Assert.Contains("Copied 1 runs (0 there already), 1 metric points", copy.Output);
        using var to = new PostgresRunStore(_schema.ConnectionString);
        Assert.Equal("from the command", to.Get("cli")?.Name);
        Assert.Equal(-180, to.Metrics("cli")["elbo"].Single().Value);
    }

    [Fact]
    public async Task TheCopyCommandNamesAMissingFile()
    {
        await using var copy = AppProcess.StartWorker(new Dictionary<string, string> { ["Deployment__PostgreSql"] = "Host=127.0.0.1" },
            "copy-litedb", _path);
        await copy.AssertStopsWithMessageAsync($"Vinula could not copy: There is no LiteDB file '{_path}' to copy.");
    }

    public void Dispose()
    {
        _schema?.Dispose();
        foreach (var file in new[] { _path, Path.ChangeExtension(_path, null) + "-log.db" })
            if (File.Exists(file)) File.Delete(file);
    }
}
